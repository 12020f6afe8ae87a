"""The text toolkit every stage uses, with no dependency on the rest of the assistant.

``language`` (one definition of a Chinese character, ``is_chinese``, ``detect_language``), ``sentences``
(sentence spans), ``unwrap`` (PDF line breaks removed), and the numbers: ``numerals`` (numerals to values,
via cn2an), ``figures`` (every figure with its unit, and when two state the same thing), ``amounts`` (money
and its qualifier), ``english`` (Chinese figures written the English way), ``dates``; ``numbers`` imports the
figure functions in one line; ``translate`` (English words and phrases rendered into Chinese by CC-CEDICT, for
the keyword search and the lexical checks of an English question).
"""
