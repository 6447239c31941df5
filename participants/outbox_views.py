from flask import Blueprint

bp = Blueprint("outbox", __name__, template_folder="templates")
