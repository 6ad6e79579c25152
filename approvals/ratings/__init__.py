"""好差评: the enterprise rates each 政务服务 event of its cases; a bad rating opens a follow-up
(回访核实 → 整改 → 反馈) due in working days (rules.yaml), with the enterprise's reply and an
appeal (申诉复核); auditors see the figures. Nothing in the case workflow calls this package."""
