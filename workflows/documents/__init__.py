"""The documents area's rules and use cases (C1–C5, issue 10).

- commands.py — the use cases the pages (and the coming REST API) call: downloads, signing,
  template uploads, copy requests; each checks access and raises a KabinetError subclass;
- queries.py — what the pages list and show (read only);
- placeholders.py, templates.py, statements.py, default_template.py — statement templates:
  the placeholder whitelist, the checked and versioned .docx templates, the filled statement
  kept per submission, the built-in template;
- bundles.py — «Скачать все документы», the ZIP with «Опись документов.csv»;
- signing.py — two-sided signing (organization first, then the consumer: ПЭП by SMS or CMS);
- evidence.py — the sealed evidence record of a signature; verification.py — «Проверить подпись»;
- cms.py, certificates.py, signature_keys.py, signer_identity.py, trust.py, trust_store.py —
  detached CMS signatures, certificates, key algorithms, whose certificate it is, chains up to
  «Доверенные сертификаты УЦ»;
- copies.py — requests for electronic copies; bounded.py — uploads read with a hard cap.
"""
