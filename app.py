"""Launcher: `python app.py`, `flask --app app:create_app` or `gunicorn "app:create_app()"`."""
from app import create_app

if __name__ == "__main__":
    create_app().run()
