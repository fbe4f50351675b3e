"""The summary workbook of a batch (Báo cáo tổng hợp, tong_hop.xlsx): tables with pandas, formats with openpyxl."""
