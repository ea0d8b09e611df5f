"""``audio`` knows nothing of the Flask app: ``hotline`` uses it, never the other way round."""

import subprocess
import sys


def test_audio_does_not_import_hotline():
    code = (
        "import sys, audio.cache, audio.catalogue, audio.engines, audio.numbers, audio.pcm;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('hotline', 'flask')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
