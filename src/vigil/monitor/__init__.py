"""Monitoring and case work: customer books, rescreening on list changes, alerts, decisions, notifications.

```python
from vigil.monitor import import_book, Monitor, list_alerts, decide
import_book("retail", "customers.csv")           # upsert by customer id; new/changed rows become pending
report = Monitor(store).run()                     # rescreen what changed; report.alerts are new alert ids
alerts, total = list_alerts(store.engine, open_only=True)
decide(store.engine, alerts[0].id, "false-positive", reason="different DOB", by="ana")   # -> pending_review
review(store.engine, alerts[0].id, "approve", reason="agree", by="ben")                 # four eyes: closed
```
The audit log (`vigil.service.audit`) records every step.
"""
from vigil.monitor.alerts import Alert, AlertNotFound, get_alert, list_alerts
from vigil.monitor.books import BookError, ImportResult, import_book, list_books
from vigil.monitor.columns import ColumnMapping
from vigil.monitor.cases import (
    DECISIONS, DecisionConflict, DecisionError, FourEyesError, assign, decide, history, reopen, review,
)
from vigil.monitor.policy import Policy, PolicyError, get_policy, set_policy
from vigil.monitor.hooks import attach
from vigil.monitor.notify import Notifier, deliver
from vigil.monitor.rescreen import Monitor, RunReport

__all__ = [
    "Alert", "AlertNotFound", "get_alert", "list_alerts", "BookError", "ImportResult", "import_book", "list_books",
    "ColumnMapping", "DECISIONS", "DecisionConflict", "DecisionError", "FourEyesError", "decide", "review", "reopen",
    "assign", "history", "Policy", "PolicyError", "get_policy", "set_policy", "attach", "Notifier", "deliver",
    "Monitor", "RunReport",
]
