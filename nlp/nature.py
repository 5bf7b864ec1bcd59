"""What a petition asks for (诉求性质) when its writer says so: a title or opening that names
the kind (咨询：…, 求助…, 举报…, 建议…) or a message that only thanks. Hotline records label
nature loosely and rarely use the smaller kinds (the training set has 7 举报, 4 求助 and no
表扬 among 1,000), so a stated kind overrides the classifier."""

from __future__ import annotations

import re

_STATED = [
    ("PRAISE", re.compile(r"^(?:表扬|感谢|致谢|点赞|锦旗|赞扬)")),
    ("REPORT", re.compile(r"^(?:实名)?举报")),
    ("HELP", re.compile(r"^(?:紧急)?求助")),
    ("CONSULTATION", re.compile(r"^(?:加急)?(?:咨询|请问|询问)")),
    ("SUGGESTION", re.compile(r"^(?:关于.{0,20})?(?:建议|提议)")),
    ("COMPLAINT", re.compile(r"^(?:强烈)?投诉")),
]
_THANKS = re.compile(r"感谢|谢谢|表扬|点赞|致敬|辛苦了|为.{1,12}点赞")
_TROUBLE = re.compile(r"投诉|举报|扰民|不满|不作为|请求|希望|尽快|何时|怎么|为什么|？|\?")
_ENGLISH = [
    ("PRAISE", re.compile(r"^\s*(?:thank|thanks|praise|well done)", re.IGNORECASE)),
    ("REPORT", re.compile(r"^\s*report", re.IGNORECASE)),
    ("HELP", re.compile(r"^\s*(?:help|urgent)", re.IGNORECASE)),
    (
        "CONSULTATION",
        re.compile(r"^\s*(?:question|enquiry|inquiry|how|when|what|why|can)\b", re.IGNORECASE),
    ),
    ("SUGGESTION", re.compile(r"^\s*(?:suggest|proposal|please consider)", re.IGNORECASE)),
    ("COMPLAINT", re.compile(r"^\s*complain", re.IGNORECASE)),
]


def nature_cue(title: str, text: str) -> tuple[str, float] | None:
    """The nature the writer states, with a high confidence; None when unstated."""
    for head, stated in ((title.strip(), _STATED), (text.strip(), _STATED[1:])):
        # A body opening with 感谢 is often politeness before a complaint: only a title
        # that thanks states praise.
        for nature, pattern in (*stated, *_ENGLISH):
            if pattern.search(head):
                return nature, 0.95
    if _THANKS.search(text) and not _TROUBLE.search(text):
        return "PRAISE", 0.9
    return None
