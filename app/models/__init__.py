"""Every model module, imported so that mappers and migrations see all tables."""
from app.models.application import (  # noqa: F401
    Application,
    ApplicationEvent,
    ApplicationKind,
    ApplicationType,
    Attachment,
    CalendarDay,
    DocumentType,
    FormField,
    Message,
    Status,
    Transition,
    TypeDocumentRequirement,
)
from app.models.audit import AuditRecord  # noqa: F401
from app.models.codes import CaptchaChallenge, OneTimeCode  # noqa: F401
from app.models.consumer import ConsumerProfile, LegalForm  # noqa: F401
from app.models.files import StoredFile  # noqa: F401
from app.models.form_tokens import FormToken  # noqa: F401
from app.models.outbox import Notification, OutboxMessage, OutboxStatus  # noqa: F401
from app.models.settings import SettingValue  # noqa: F401
from app.models.user import KabinetUser  # noqa: F401
from app.models.documents import (  # noqa: F401
    CopyRequest,
    CopyRequestFile,
    RenderedDocument,
    Signature,
    StatementTemplate,
    TrustedCertificate,
)
from app.models.dictionaries import Branch, Office, Supplier, Topic, TopicKind  # noqa: F401
from app.models.pages import InfoPage, InfoPageVersion, PublicAsset  # noqa: F401
from app.models.billing import (  # noqa: F401
    AccountLink,
    AccountPayment,
    AccountService,
    Charge,
    ExportItem,
    ExportSequence,
    ImportRowError,
    ImportRun,
    IntegrationToken,
    Meter,
    MeterReading,
    MonthlyBalance,
    PersonalAccount,
    Service,
    Tariff,
    TariffDocument,
)
from app.models.meters import MeterFault  # noqa: F401
from app.models.payments import (  # noqa: F401
    Payment,
    PaymentCallback,
    PaymentEvent,
    PaymentPart,
    ReceiptSending,
    ReceiptRun,
)
from app.models.appointments import (  # noqa: F401
    Appointment,
    AppointmentSlot,
    AppointmentStatus,
    CallbackRequest,
    CallbackStatus,
    OfficeHours,
    OfficeSchedule,
)
from app.models.surveys import (  # noqa: F401
    Survey,
    SurveyAnswer,
    SurveyOption,
    SurveyQuestion,
    SurveyResponse,
)
from app.models.documents import ConsumerDocument, DocumentDirection, DocumentSource  # noqa: F401
from app.models.notifications import (  # noqa: F401
    DismissedHint,
    MarketingMailing,
    MarketingSending,
    NotificationOptOut,
    NotificationSettings,
)
from app.models.appeals import Appeal  # noqa: F401
from app.models.oidc import OidcIdentity, OidcProvider  # noqa: F401
from app.models.webhooks import WebhookAttempt, WebhookEndpoint, WebhookEvent  # noqa: F401
from app.models.qr_login import QrLoginRequest  # noqa: F401
from app.models.deletion import ReceiptAfterDeletion  # noqa: F401
from app.models.api import ApiRefreshToken, ApiSession  # noqa: F401
