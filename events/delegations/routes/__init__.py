"""Delegation pages, one controller per audience: `coordinator` (a partner organization's
coordinator, /account/delegations/), `office` (the foreign-affairs office's review of each
delegation, /manage/delegations/), `boards` (the office's boards and exports over one event)
and `letters` (visa letter files, for the office's staff only); `common` holds what they share.
"""

from events.delegations.routes.boards import DelegationBoards
from events.delegations.routes.coordinator import CoordinatorDelegations
from events.delegations.routes.letters import VisaLetterFiles
from events.delegations.routes.office import OfficeDelegations

pages = [CoordinatorDelegations, OfficeDelegations, DelegationBoards, VisaLetterFiles]
