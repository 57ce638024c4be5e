"""REST API of the governance app, by sub-domain, under /api/v1/c/<slug>/governance/."""

from __future__ import annotations

from governance.apis.assemblies import (
    AmendmentProposeApi,
    AssemblyDetailApi,
    AssemblyListApi,
    AssemblyStepApi,
    ConsultationAnswerApi,
    ProxyGrantApi,
    ResolutionStepApi,
    SecretCodeApi,
    VoteCastApi,
)
from governance.apis.convocations import (
    ConvocationRecordApi,
    DeadlineApi,
    LettersPostedApi,
    ReceiptApi,
    RemoteSessionApi,
)
from governance.apis.register import (
    AdmissionAutomaticApi,
    AssociateConvocationApi,
    AssociateListApi,
)
from governance.apis.statutes import (
    StatutePresetApi,
    StatuteProfileApi,
    StatuteRuleApi,
    StatuteSignOffApi,
)

__all__ = [
    "AdmissionAutomaticApi",
    "AmendmentProposeApi",
    "AssemblyDetailApi",
    "AssemblyListApi",
    "AssemblyStepApi",
    "AssociateConvocationApi",
    "AssociateListApi",
    "ConsultationAnswerApi",
    "ConvocationRecordApi",
    "DeadlineApi",
    "LettersPostedApi",
    "ProxyGrantApi",
    "ReceiptApi",
    "RemoteSessionApi",
    "ResolutionStepApi",
    "SecretCodeApi",
    "StatutePresetApi",
    "StatuteProfileApi",
    "StatuteRuleApi",
    "StatuteSignOffApi",
    "VoteCastApi",
]
