"""电子证照 (GB/T 36901-36905-2018): every issued document gets an identifier and metadata.

``identifier`` (GB/T 36904: the identifier's shape and its ISO 7064 MOD 37,36 check
character) and ``metadata`` (GB/T 36903 base metadata; the check that an identifier is the one
its metadata determine) are pure; ``records`` stores one licence per issued document in the
transaction that records the document issued; ``package`` builds the export ZIP. What was
found in public sources and what is inferred is in ``standard.yaml``.
"""
