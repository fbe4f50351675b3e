"""Recipient lists: named lists, per-unit additions, NĐ 30 punctuation of Kính gửi and Nơi nhận."""
