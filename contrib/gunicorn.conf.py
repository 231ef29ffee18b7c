# Example gunicorn settings for `gunicorn -c contrib/gunicorn.conf.py tinhso.wsgi` deployments.
bind = "127.0.0.1:8000"
workers = 4
timeout = 60
accesslog = "-"
forwarded_allow_ips = "127.0.0.1"
