"""未填报 and 不考核 never look alike: one of them is a colour, not a second grey; the word is always shown."""

import colorsys

from indicators.progress import STATUS_COLOURS, Status
from indicators.templatetags.ipzone_tags import status_badge


def saturation(colour):
    red, green, blue = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(red, green, blue)[2]


def test_not_reported_and_not_scored_are_not_both_grey():
    assert max(saturation(STATUS_COLOURS[Status.MISSING]), saturation(STATUS_COLOURS[Status.TRACKED])) > 0.3


def test_every_status_has_its_own_colour_and_its_word():
    assert len(set(STATUS_COLOURS.values())) == len(Status)
    for status in Status:
        assert str(status.label) in status_badge(status) and STATUS_COLOURS[status] in status_badge(status)
