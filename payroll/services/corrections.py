"""Correcting an issued payslip: a new version (the issued one stays as it is, linked), the
ledger's reversal of the old posting and the new posting, then the new PDF on a worker."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from payroll.models import Payslip
from payroll.services.ledger import payslip_post, payslip_reversal_post
from payroll.services.runs import PAYSLIP_PDF_TASK, payslip_correct
from perspectives.tenancy.jobs import job_enqueue


@transaction.atomic
def payslip_correction_issue(*, payslip_id: int, gross: Decimal) -> Payslip:
    """All or nothing: a refusal of the ledger (locked period) leaves no new version behind."""
    correction = payslip_correct(payslip_id=payslip_id, gross=gross)
    original = Payslip.objects.select_related("entrepreneur").get(pk=payslip_id)
    payslip_reversal_post(payslip=original)
    payslip_post(payslip=correction)
    job_enqueue(PAYSLIP_PDF_TASK, payslip_id=correction.pk)
    return correction
