from flask import Blueprint

bp = Blueprint("personal", __name__, template_folder="templates")
