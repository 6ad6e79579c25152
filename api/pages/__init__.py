"""HTML pages (Jinja2, zh-CN) for applicants and staff.

Every page route hangs off ``router`` (included by ``api.app``); a state-changing request
from another site's page is refused here, once, for all of them.
"""

from fastapi import APIRouter, Depends

from api.pages import applicant, auth, case, public, staff
from api.pages.security import same_origin

router = APIRouter(include_in_schema=False, dependencies=[Depends(same_origin)])
for module in (auth, applicant, case, staff, public):
    router.include_router(module.router)
import api.pages.guide  # noqa: E402, F401 - registers the /guide pages on router
from api.pages import audit, commitment  # noqa: E402, F401 - register /audit, 告知承诺制 pages
from api.pages import expert, joint_review  # noqa: E402, F401 - 远程会审, 专家工作台 pages
