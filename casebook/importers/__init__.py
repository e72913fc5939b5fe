"""``casebook import``: case files and client reports from the platforms' own statistics exports.

One module per export format (:mod:`.meta_posts`, :mod:`.meta_daily`,
:mod:`.meta_ads`, :mod:`.tiktok`, :mod:`.mapping`), each citing where its
layout is described; :mod:`.detect` tells them apart by content;
:mod:`.aggregate` turns rows into a case's numbers (flows summed, stocks at
a date, months covered in part left out); :mod:`.write` edits the case file
in place (comments and key order kept), checks it and replaces it
atomically; :mod:`.command` is the click command.
"""
