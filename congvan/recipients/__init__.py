"""Recipient lists: named lists, per-unit additions, NĐ 30 punctuation of Kính gửi and Nơi nhận."""

# The two roles a named list plays in a letter (`congvan recipients show --as`).
KINH_GUI, NOI_NHAN = "kinh-gui", "noi-nhan"
