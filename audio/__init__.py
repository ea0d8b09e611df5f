"""Speech for the hotline, independent of the Flask app (nothing here imports ``hotline``).

- :mod:`audio.numbers`: amounts and phone numbers as Kyrgyz and Russian words.
- :mod:`audio.catalogue`: the prompt texts, ``audio/prompts/<lang>.yaml``.
- :mod:`audio.engines`: recordings, espeak-ng and gTTS, each giving an 8 kHz mono 16-bit WAV.
- :mod:`audio.cache`: rendered files named by content hash, a manifest, ``lookup`` and ``build``.
"""
