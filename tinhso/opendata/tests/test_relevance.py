"""Relevance of the Vietnamese search, judged on 36 queries with their expected top result.

The corpus is a province's catalogue in miniature: titles, keywords and descriptions that
share syllables on purpose ("không khí" / "khí hậu" / "không gian", "dân số" / "dân tộc",
"đất" / "đất đai" / "đặt"), so a search that only matched words would rank wrongly. Each query
is typed the ways citizens type it — with diacritics, without, in capitals, with đ as d.
"""

from __future__ import annotations

import unicodedata

import pytest

from tinhso.opendata import search
from tinhso.opendata.models import Dataset
from tinhso.opendata.tests.factories import OpenDataWorld, make_dataset

# (title, tags, notes)
CORPUS: list[tuple[str, list[str], str]] = [
    (
        "Chất lượng không khí tại các trạm quan trắc tự động",
        ["môi trường", "không khí"],
        "Nồng độ PM2.5, PM10, NO2 theo giờ ở Bắc Giang và Việt Yên.",
    ),
    (
        "Lượng mưa và nhiệt độ theo tháng",
        ["khí hậu", "thời tiết"],
        "Số liệu khí tượng của trạm Bắc Giang, không có số liệu quan trắc không khí.",
    ),
    (
        "Quy hoạch không gian đô thị Bắc Giang",
        ["quy hoạch", "đô thị"],
        "Bản đồ phân khu, chỉ giới đường đỏ.",
    ),
    (
        "Dân số theo xã, phường năm 2025",
        ["dân số"],
        "Dân số trung bình và mật độ dân số của 99 xã, phường sau sắp xếp.",
    ),
    ("Đồng bào dân tộc thiểu số theo thôn", ["dân tộc"], "Số hộ và số nhân khẩu."),
    ("Giá đất ở năm 2025", ["đất đai", "giá đất"], "Bảng giá đất ở tại đô thị và nông thôn."),
    (
        "Danh sách điểm đặt camera giao thông",
        ["giao thông", "an ninh"],
        "Vị trí đặt camera tại các nút giao.",
    ),
    (
        "Thu chi ngân sách địa phương theo quý",
        ["ngân sách", "tài chính"],
        "Dự toán và thực hiện thu, chi ngân sách tỉnh.",
    ),
    ("Dự toán ngân sách năm 2026", ["ngân sách"], "Dự toán được Hội đồng nhân dân thông qua."),
    (
        "Danh sách trường tiểu học",
        ["giáo dục", "trường học"],
        "Tên trường, xã, số học sinh, số lớp.",
    ),
    (
        "Danh sách trường trung học phổ thông",
        ["giáo dục", "trường học"],
        "Trường công lập và tư thục.",
    ),
    (
        "Cơ sở khám chữa bệnh",
        ["y tế", "bệnh viện"],
        "Bệnh viện, trạm y tế xã, phòng khám, số giường bệnh.",
    ),
    ("Tiêm chủng mở rộng cho trẻ em", ["y tế", "tiêm chủng"], "Tỷ lệ tiêm đủ mũi theo xã."),
    (
        "Thống kê hồ sơ thủ tục hành chính",
        ["dịch vụ công", "một cửa"],
        "Hồ sơ tiếp nhận, giải quyết đúng hạn, trễ hạn theo cơ quan.",
    ),
    (
        "Danh mục thủ tục hành chính cấp xã",
        ["thủ tục hành chính"],
        "Thủ tục, lệ phí, thời hạn giải quyết.",
    ),
    (
        "Doanh nghiệp đăng ký thành lập mới",
        ["doanh nghiệp", "kinh tế"],
        "Số doanh nghiệp và vốn đăng ký theo tháng.",
    ),
    (
        "Khu công nghiệp và cụm công nghiệp",
        ["công nghiệp", "đầu tư"],
        "Quang Châu, Đình Trám, Vân Trung, Song Khê – Nội Hoàng: diện tích, tỷ lệ lấp đầy.",
    ),
    (
        "Chất lượng nước sông Cầu và sông Thương",
        ["môi trường", "nước"],
        "Chỉ số VN_WQI theo đợt quan trắc.",
    ),
    (
        "Nước thải khu công nghiệp",
        ["môi trường", "nước thải"],
        "Quan trắc nước thải tự động tại các khu công nghiệp.",
    ),
    (
        "Đơn vị hành chính cấp xã sau sắp xếp",
        ["đơn vị hành chính"],
        "Mã, tên, loại đơn vị từ 01/07/2025.",
    ),
    (
        "Điểm du lịch và di tích lịch sử",
        ["du lịch", "văn hoá"],
        "Chùa Vĩnh Nghiêm, Tây Yên Tử, làng quan họ.",
    ),
    ("Lễ hội truyền thống", ["văn hoá", "lễ hội"], "Thời gian và địa điểm tổ chức."),
    (
        "Sản lượng vải thiều Lục Ngạn",
        ["nông nghiệp", "vải thiều"],
        "Diện tích, sản lượng, giá bán theo vụ.",
    ),
    ("Diện tích lúa theo mùa vụ", ["nông nghiệp", "lúa"], "Vụ chiêm xuân và vụ mùa."),
    (
        "Tai nạn giao thông đường bộ",
        ["giao thông", "an toàn"],
        "Số vụ, số người chết, bị thương theo tháng.",
    ),
    ("Tuyến xe buýt nội tỉnh", ["giao thông", "xe buýt"], "Lộ trình, tần suất, giá vé."),
    ("Trạm sạc xe điện", ["năng lượng", "giao thông"], "Vị trí và công suất trạm sạc."),
    ("Tiêu thụ điện theo ngành", ["năng lượng", "điện"], "Sản lượng điện thương phẩm."),
    ("Hộ nghèo và cận nghèo", ["an sinh xã hội"], "Tỷ lệ hộ nghèo đa chiều theo xã."),
    ("Lao động có việc làm", ["lao động", "việc làm"], "Lực lượng lao động theo ngành."),
    ("Chỉ số chuyển đổi số DTI", ["chuyển đổi số"], "Điểm và xếp hạng DTI của tỉnh."),
    ("Điểm truy cập wifi công cộng", ["chuyển đổi số", "viễn thông"], "Vị trí điểm wifi miễn phí."),
    ("Đường dây nóng và tổng đài 1022", ["phản ánh kiến nghị"], "Số phản ánh tiếp nhận và xử lý."),
    (
        "Cấp giấy phép xây dựng",
        ["xây dựng", "giấy phép"],
        "Giấy phép xây dựng nhà ở riêng lẻ đã cấp.",
    ),
    ("Đấu giá quyền sử dụng đất", ["đất đai", "đấu giá"], "Kết quả đấu giá các lô đất."),
    ("Chợ và trung tâm thương mại", ["thương mại"], "Danh sách chợ, siêu thị, trung tâm."),
    ("Danh bạ cơ quan nhà nước", ["cơ quan"], "Địa chỉ, điện thoại, thư điện tử."),
    ("Bản đồ ngập lụt", ["thiên tai", "môi trường"], "Vùng ngập khi mưa lớn."),
]

# (query, expected top result)
JUDGED: list[tuple[str, str]] = [
    ("chất lượng không khí", "Chất lượng không khí tại các trạm quan trắc tự động"),
    ("chat luong khong khi", "Chất lượng không khí tại các trạm quan trắc tự động"),
    ("CHAT LUONG KHONG KHI", "Chất lượng không khí tại các trạm quan trắc tự động"),
    ("khong khi", "Chất lượng không khí tại các trạm quan trắc tự động"),
    ("khi hau", "Lượng mưa và nhiệt độ theo tháng"),
    ("khong gian do thi", "Quy hoạch không gian đô thị Bắc Giang"),
    ("dan so", "Dân số theo xã, phường năm 2025"),
    ("dân tộc thiểu số", "Đồng bào dân tộc thiểu số theo thôn"),
    ("dan toc", "Đồng bào dân tộc thiểu số theo thôn"),
    ("gia dat", "Giá đất ở năm 2025"),
    ("dat camera", "Danh sách điểm đặt camera giao thông"),
    ("thu chi ngan sach", "Thu chi ngân sách địa phương theo quý"),
    ("du toan ngan sach 2026", "Dự toán ngân sách năm 2026"),
    ("truong tieu hoc", "Danh sách trường tiểu học"),
    ("trung hoc pho thong", "Danh sách trường trung học phổ thông"),
    ("benh vien", "Cơ sở khám chữa bệnh"),
    ("tiem chung", "Tiêm chủng mở rộng cho trẻ em"),
    ("ho so thu tuc hanh chinh", "Thống kê hồ sơ thủ tục hành chính"),
    ("thu tuc hanh chinh cap xa", "Danh mục thủ tục hành chính cấp xã"),
    ("doanh nghiep thanh lap moi", "Doanh nghiệp đăng ký thành lập mới"),
    ("khu cong nghiep", "Khu công nghiệp và cụm công nghiệp"),
    ("dinh tram", "Khu công nghiệp và cụm công nghiệp"),
    ("song cau", "Chất lượng nước sông Cầu và sông Thương"),
    ("nuoc thai", "Nước thải khu công nghiệp"),
    ("don vi hanh chinh", "Đơn vị hành chính cấp xã sau sắp xếp"),
    ("đơn vị hành chính", "Đơn vị hành chính cấp xã sau sắp xếp"),
    ("di tich lich su", "Điểm du lịch và di tích lịch sử"),
    ("le hoi", "Lễ hội truyền thống"),
    ("vai thieu luc ngan", "Sản lượng vải thiều Lục Ngạn"),
    ("tai nan giao thong", "Tai nạn giao thông đường bộ"),
    ("xe buyt", "Tuyến xe buýt nội tỉnh"),
    ("tram sac xe dien", "Trạm sạc xe điện"),
    ("ho ngheo", "Hộ nghèo và cận nghèo"),
    ("chuyen doi so", "Chỉ số chuyển đổi số DTI"),
    ("giay phep xay dung", "Cấp giấy phép xây dựng"),
    ("dau gia dat", "Đấu giá quyền sử dụng đất"),
]


@pytest.fixture
def catalogue(od: OpenDataWorld) -> OpenDataWorld:
    for title, tags, notes in CORPUS:
        make_dataset(od.so, title, tags=tags, notes=notes)
    return od


def top(query: str) -> str:
    result = search.search_datasets(search.Query(text=query, rows=1), base=Dataset.objects.public())
    assert result.ids, f"nothing found for {query!r}"
    return Dataset.objects.get(pk=result.ids[0]).title


def test_each_judged_query_ranks_its_expected_dataset_first(catalogue: OpenDataWorld) -> None:
    assert len(JUDGED) >= 30
    misses = [(query, top(query), expected) for query, expected in JUDGED if top(query) != expected]
    assert misses == [], "\n".join(map(str, misses))


def test_decomposed_input_ranks_like_composed_input(catalogue: OpenDataWorld) -> None:
    for query, expected in JUDGED[:10]:
        assert top(unicodedata.normalize("NFD", query)) == expected
