"""万人助万企 and 帮办代办: key enterprises and their liaison (``assignment``), what the case
workflow tells the liaison (``hooks``: a decision issued, a deadline warning), the problem
ledger (``ledger``, ``report``) and helpers acting for an enterprise (``helpers``). The rules
are data (``rules.yaml``, each with its evidence marker)."""
