"""Random dense exports for the reference comparison (test_reference_kpis.py, run with
REFERENCE_FUZZ_SEEDS="1 2 3"): few rows, many edges - timestamps near midnight with offsets,
first and last days of months, same-day orders, skipped and reopened stages, stage names in
other case and with spaces, cancellations and complaints after as_of, contracts with ends and
terminations, accounts without owner, a rep who left and one hired late."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

STAGE_NAMES = [
    ["Ersttermin", " ersttermin", "Discovery Meeting", "FIRST MEETING "],
    ["Zweitgespräch", "Second Meeting", "zweittermin"],
    ["Angebot versendet", "Proposal Sent", "angebot"],
    ["Vertrag versendet", "Contract Sent"],
    ["Auftrag", "Closed Won"],
]
LOST = ["Verloren", "Closed Lost", " lost "]
OFFSET_MINUTES = [0, 0, 0, 120, -300, 330, -60, 60]
REPS = [("R1", "Nord", "2020-01-01", ""), ("R2", "Süd", "2024-02-01", ""),
        ("R3", "Nord", "2021-05-01", "2024-10-31"), ("R4", "Key Accounts", "2022-01-01", "")]
START, END = date(2023, 6, 1), date(2025, 6, 30)


def noon(day: date) -> str:
    return day.strftime("%Y-%m-%dT12:00:00Z")


class Fuzz:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        # odd seeds span 4.5 years: sparser orders, more churn, relationships past 3 years
        self.start = date(2021, 1, 1) if seed % 2 else START

    def ts(self, day: date) -> str:
        """A time of day, often near midnight, UTC or with an offset (local time)."""
        rng = self.rng
        local = datetime(day.year, day.month, day.day, rng.choice([0, 0, 1, 10, 14, 22, 23, 23]),
                         rng.randrange(60))
        offset = rng.choice(OFFSET_MINUTES)
        if offset == 0:
            fmt = "%Y-%m-%dT%H:%M:%SZ" if rng.random() < 0.8 else "%Y-%m-%d %H:%M:%S"
            return local.strftime(fmt)
        sign = "+" if offset > 0 else "-"
        return (local.strftime("%Y-%m-%dT%H:%M:%S")
                + f"{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}")

    def day(self, start: date | None = None, end: date = END) -> date:
        """A random day, often the first or last of its month."""
        start = start or self.start
        d = start + timedelta(days=self.rng.randrange((end - start).days + 1))
        r = self.rng.random()
        if r < 0.15:
            return d.replace(day=1)
        if r < 0.3:
            return (d.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return d


def make_export(seed: int, folder: Path) -> str | None:
    """Write a random export into folder; return the as_of to build it with (None: default)."""
    f = Fuzz(seed)
    rng = f.rng
    folder.mkdir(parents=True, exist_ok=True)

    def write(name: str, header: str, rows: list[tuple]) -> None:
        lines = [header] + [",".join(map(str, row)) for row in rows]
        (folder / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    write("reps", "rep_id,full_name,email,team,hired_on,left_on",
          [(rep, "N", "e@x", team, hired, left) for rep, team, hired, left in REPS])
    accounts = [f"A{i:02d}" for i in range(25)]
    write("accounts", "account_id,account_name,industry,segment,country,created_at,owner_rep_id",
          [(a, f"Firma {a}", "Handel", rng.choice(["SMB", "Mid-Market", "Enterprise"]), "DE",
            "2022-01-01T10:00:00Z", "" if rng.random() < 0.12 else rng.choice(REPS)[0])
           for a in accounts])

    leads, events = [], []
    for i in range(60):
        lead_id, created = f"L{i:03d}", f.day()
        leads.append((lead_id, rng.choice(accounts), rng.choice(REPS)[0],
                      rng.choice(["website", "referral", "event", "outbound", "referral"]),
                      created))
        t = created
        for names in STAGE_NAMES:
            if rng.random() < 0.3:
                continue  # a skipped stage
            if rng.random() < 0.25:
                break
            t += timedelta(days=rng.randrange(0, 40))
            events.append((lead_id, rng.choice(names), t))
            if rng.random() < 0.15:  # lost, maybe reopened by the next stage
                t += timedelta(days=rng.randrange(0, 20))
                events.append((lead_id, rng.choice(LOST), t))
    write("leads", "lead_id,account_id,owner_rep_id,lead_source,created_at,referred_by_account_id",
          [(lead, acc, rep, source, f.ts(created), "")
           for lead, acc, rep, source, created in leads])
    # stage events the day after (noon UTC): never before their lead was created
    write("lead_stage_events", "lead_id,crm_stage,entered_at,lost_reason",
          [(lead, f'"{name}"', noon(t + timedelta(days=1)), "x" if name in LOST else "")
           for lead, name, t in events])

    orders = []
    for i in range(90):
        account, lead_id, day = rng.choice(accounts), "", f.day()
        if rng.random() < 0.3:  # the order of a sales case
            lead = rng.choice(leads)
            account, lead_id = lead[1], lead[0]
            day = max(day, lead[4] + timedelta(days=2))
        when = noon(day) if lead_id else f.ts(day)
        orders.append((f"O{i:03d}", account, lead_id, rng.choice(REPS)[0], when,
                       round(rng.uniform(10, 5000), 2), day))
        if rng.random() < 0.15:  # a second order the same day
            orders.append((f"O{i:03d}b", account, "", rng.choice(REPS)[0],
                           day.strftime("%Y-%m-%dT13:00:00Z"), round(rng.uniform(10, 500), 2),
                           day))
    write("orders", "order_id,account_id,lead_id,rep_id,ordered_at,net_amount",
          [order[:6] for order in orders])
    write("cancellations", "order_id,cancelled_at,reason,refunded_amount",
          [(o[0], noon(o[6] + timedelta(days=rng.randrange(1, 150))),
            rng.choice(["price", "oversold", "timing", "other", "product_expectations"]), 1)
           for o in orders if rng.random() < 0.18])
    complaints = []
    for o in orders:
        for _ in range(rng.choice([0, 0, 0, 0, 1, 2])):
            complaints.append((
                f"C{len(complaints)}", o[0], noon(o[6] + timedelta(days=rng.randrange(1, 90))),
                "", rng.choice(["product_defect", "delivery", "advice", "service", "billing"]),
                rng.choice(["true", "false"])))
    write("complaints", "complaint_id,order_id,opened_at,closed_at,category,is_warranty_claim",
          complaints)
    write("activities", "activity_id,account_id,rep_id,activity_type,occurred_at,duration_minutes",
          [(f"X{i}", rng.choice(accounts), "R1",
            rng.choice(["visit", "video_call", "phone_call", "email", "event"]),
            f.ts(f.day()), "") for i in range(200)])
    write("referrals", "referral_id,referring_account_id,referred_at,channel,referred_lead_id",
          [(f"RF{i}", rng.choice(accounts), f.ts(f.day()), "personal", "") for i in range(30)])
    feedback = []
    for i in range(80):
        channel = rng.choice(["nps_survey", "nps_survey", "review", "interview"])
        score = "" if rng.random() < 0.1 else rng.randrange(11)
        feedback.append((f"F{i}", rng.choice(accounts), f.ts(f.day()), channel, score, ""))
    write("feedback", "feedback_id,account_id,submitted_at,channel,nps_score,comment", feedback)
    contracts = []
    for i in range(8):
        starts = f.day(date(2022, 6, 1), END)
        ends = starts + timedelta(days=rng.randrange(100, 900)) if rng.random() < 0.7 else ""
        terminated = starts + timedelta(days=rng.randrange(30, 600)) if rng.random() < 0.4 else ""
        contracts.append((f"K{i}", rng.choice(accounts), starts, ends, terminated, ""))
    write("contracts", "contract_id,account_id,starts_on,ends_on,terminated_on,annual_value",
          contracts)
    return rng.choice([None, "2025-03-31", "2025-02-14", "2024-12-01", "2025-06-30",
                       "2024-08-31"])
