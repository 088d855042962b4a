"""Simulated colleagues for the load test (bench/loadtest.py runs this headless).

Each simulated user logs in once, as its own demo account, then browses the
main pages and now and then logs a contactmoment through the real form (CSRF
token and all). LOADTEST_DATA names a JSON file with the accounts and the ids
of real records, written by bench/loadtest.py.
"""

import json
import os
import random
import re
from datetime import date, timedelta

from locust import HttpUser, between, task

DATA = json.loads(open(os.environ["LOADTEST_DATA"], encoding="utf-8").read())
PASSWORD = DATA["password"]
accounts = list(DATA["accounts"])
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(response) -> str:
    found = CSRF.search(response.text)
    if not found:
        raise ValueError(f"no CSRF token on {response.url}")
    return found.group(1)


class Colleague(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        # One account per simulated user: each logs in once, so the login
        # throttle (which counts failures only) never comes into play.
        self.email = accounts.pop(0) if accounts else random.choice(DATA["accounts"])
        page = self.client.get("/inloggen", name="/inloggen")
        with self.client.post("/inloggen", data={"email": self.email, "password": PASSWORD,
                                                 "csrf_token": csrf_token(page)},
                              allow_redirects=False, catch_response=True, name="/inloggen (POST)") as response:
            if response.status_code != 302:
                response.failure(f"login of {self.email} answered {response.status_code}")

    def page(self, path: str, name: str | None = None):
        with self.client.get(path, name=name or path, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{path} answered {response.status_code}")

    @task(4)
    def home(self):
        self.page("/")

    @task(3)
    def contactmomenten(self):
        self.page("/contactmomenten/")

    @task(2)
    def organisation(self):
        self.page(f"/organisaties/{random.choice(DATA['organisations'])}", "/organisaties/[id]")

    @task(2)
    def contact(self):
        self.page(f"/contactpersonen/{random.choice(DATA['contacts'])}", "/contactpersonen/[id]")

    @task(2)
    def interaction(self):
        self.page(f"/contactmomenten/{random.choice(DATA['interactions'])}", "/contactmomenten/[id]")

    @task(1)
    def lists(self):
        self.page(random.choice(["/organisaties", "/contactpersonen", "/aandacht/", "/opgaven"]), "lists")

    @task(2)
    def log_contact(self):
        form = self.client.get("/contactmomenten/nieuw", name="/contactmomenten/nieuw")
        if form.status_code != 200:
            return
        contact = random.choice(DATA["contacts"])
        data = {
            "csrf_token": csrf_token(form),
            "occurred_on": (date.today() - timedelta(days=random.randint(1, 20))).isoformat(),
            "occurred_time": random.choice(["09:00", "10:30", "14:15", "16:45"]), "kind": "overleg",
            "level": "ambtelijk", "subject": "Loadtest: overleg over de woningbouwimpuls",
            "summary": "Gesproken over de voortgang.", "outcome": "Notitie volgt.",
            "contact_ids": [str(contact)], "priority_ids": [str(random.choice(DATA["priorities"]))],
            "follow_ups-0-description": "", "follow_ups-1-description": "",
        }
        with self.client.post("/contactmomenten/nieuw", data=data, allow_redirects=False, catch_response=True,
                              name="/contactmomenten/nieuw (POST)") as response:
            if response.status_code != 302 or "/contactmomenten/" not in response.headers.get("Location", ""):
                response.failure(f"logging a contact answered {response.status_code}")
