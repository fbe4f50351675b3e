"""The 65 units of the sample results (data/ket_qua_2025.xlsx): Khánh Hòa's xã, phường and đặc khu.

A test checks that the sample data holds exactly these; `congvan.config.leftovers` tells the sample's
results from another province's by them.
"""

from __future__ import annotations

from congvan.vn.text import name_key

SAMPLE_UNIT_NAMES = (
    "Phường Ba Ngòi", "Phường Bảo An", "Phường Bắc Cam Ranh", "Phường Bắc Nha Trang", "Phường Cam Linh",
    "Phường Cam Ranh", "Phường Hòa Thắng", "Phường Nam Nha Trang", "Phường Nha Trang", "Phường Ninh Chử",
    "Phường Ninh Hòa", "Phường Phan Rang", "Phường Tây Nha Trang", "Phường Đô Vinh", "Phường Đông Hải",
    "Phường Đông Ninh Hòa", "Xã Anh Dũng", "Xã Bác Ái", "Xã Bác Ái Tây", "Xã Bác Ái Đông", "Xã Bắc Khánh Vĩnh",
    "Xã Bắc Ninh Hòa", "Xã Cam An", "Xã Cam Hiệp", "Xã Cam Lâm", "Xã Cà Ná", "Xã Công Hải", "Xã Diên Khánh",
    "Xã Diên Lâm", "Xã Diên Lạc", "Xã Diên Thọ", "Xã Diên Điền", "Xã Hòa Trí", "Xã Khánh Sơn", "Xã Khánh Vĩnh",
    "Xã Lâm Sơn", "Xã Mỹ Sơn", "Xã Nam Cam Ranh", "Xã Nam Khánh Vĩnh", "Xã Nam Ninh Hòa", "Xã Ninh Hải",
    "Xã Ninh Phước", "Xã Ninh Sơn", "Xã Phước Dinh", "Xã Phước Hà", "Xã Phước Hậu", "Xã Phước Hữu", "Xã Suối Dầu",
    "Xã Suối Hiệp", "Xã Thuận Bắc", "Xã Thuận Nam", "Xã Trung Khánh Vĩnh", "Xã Tu Bông", "Xã Tân Định",
    "Xã Tây Khánh Sơn", "Xã Tây Khánh Vĩnh", "Xã Tây Ninh Hòa", "Xã Vĩnh Hải", "Xã Vạn Hưng", "Xã Vạn Ninh",
    "Xã Vạn Thắng", "Xã Xuân Hải", "Xã Đông Khánh Sơn", "Xã Đại Lãnh", "Đặc khu Trường Sa",
)
SAMPLE_UNITS = frozenset(name_key(name) for name in SAMPLE_UNIT_NAMES)
