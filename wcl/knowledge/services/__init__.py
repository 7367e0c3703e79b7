"""Knowledge bank services. Other domains call these, never the views.

Each public function that changes something is one unit of work: it checks the
actor's permission, validates, changes, records an audit entry and commits once
at its end. A refusal raises ``KnowledgeError`` with a translated message after
rolling the session back, so bad input changes nothing.
"""

from wcl.knowledge.errors import KnowledgeError
from wcl.knowledge.services.materials import publish_material, publishable_materials
from wcl.knowledge.services.resources import (
    count_download,
    count_view,
    create_resource,
    may_see_members_only,
    may_view,
    publish_resource,
    suggestions_page,
    update_resource,
    visible_resource_or_404,
)
from wcl.knowledge.services.search import kyrgyz_stem, search_resources, text_match

__all__ = [
    "KnowledgeError",
    "count_download",
    "count_view",
    "create_resource",
    "kyrgyz_stem",
    "may_see_members_only",
    "may_view",
    "publish_material",
    "publish_resource",
    "publishable_materials",
    "search_resources",
    "suggestions_page",
    "text_match",
    "update_resource",
    "visible_resource_or_404",
]
