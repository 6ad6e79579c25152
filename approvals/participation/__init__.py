"""Public participation (公众参与): the 受理公示 published at acceptance, the public's comments
and their moderation, the officer's responses, and the 公众意见处理情况 table of the case file.
Services flush; callers commit."""
