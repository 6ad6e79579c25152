"""听证 (行政许可法第46–48条; 环境保护行政许可听证暂行办法): the right told, a party's request
on time (or the bureau's order), scheduling within the item's period with the 听证通知书, the
stopped clock (第45条) with the 特别程序告知书, the hearing held and its 听证笔录 confirmed by the
parties, and the gate that keeps the decision from being signed before it rests on the record.
Services flush; callers commit."""
