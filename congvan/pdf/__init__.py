"""Letters to PDF with LibreOffice; metadata, fonts and the print bundle."""
