"""``python -m audiocoach.speech._zygote``: the pyttsx3 helper process (see pyttsx3_backend)."""

from audiocoach.speech.pyttsx3_backend import serve

if __name__ == "__main__":
    serve()
