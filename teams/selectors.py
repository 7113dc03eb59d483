"""Reads for the team pages: a team's beheerders, and whether the viewer may extend them."""


def team_members(*, team_obj):
    """The beheerders of a domain or an application, in name order."""
    return list(team_obj.beheerders.order_by("full_name", "username"))


def extendable_ids(*, members, by) -> set[int]:
    """Whom `by` may extend on this page: everyone on a team `by` is on (or support), except
    `by` themselves (beheer.accounts.selectors.may_extend_validity says the same per user)."""
    if not by.is_authenticated or not by.is_active:
        return set()
    return {m.pk for m in members if m.pk != by.pk and m.is_active}
