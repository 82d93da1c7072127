"""Hypocorisms: the short or pet forms of common given names (Ted / Theodore, Bill / William).

Hand-written from the usual English, German, Slavic and Hebrew pet forms. Only pet forms: spelling
variants (Steven / Stephen) are left to the phonetic rules and the learned tables, and names of
other languages (John / Juan / Ivan) are different names here. A pet form of several names (Ted:
Edward, Theodore) belongs to each of them; two full names are never made equal through a pet form.
"""
from __future__ import annotations

_GROUPS = """
abigail: abby abbie
albert: bert bertie
alexander alexandr aleksandr aleksander alexandre: alex sasha sascha alec sandy shura
alexandra aleksandra: alex sasha
alfred: alf alfie fred freddie
andrew andreas: andy drew
anatoly anatoliy: tolya
anthony antony: tony
barbara: barb babs
benjamin binyamin: ben benny benji
catherine katherine kathryn katharina: kate katie kathy cathy kat kitty
charles: charlie chuck chas
christopher: chris kit
daniel: dan danny
david: dave davy
deborah: deb debbie
donald: don donnie
dorothy: dot dottie
dmitry dmitri dmitriy: dima mitya
edward: ed eddie ted teddy ned
elizabeth: liz lizzie beth betty eliza libby bess
frederick friedrich: fred freddie fritz
francis: frank
gregory: greg
henry: harry hank
james: jim jimmy jamie
jeffrey geoffrey: jeff geoff
jennifer: jen jenny
john: jack johnny
jonathan: jon jonny
joseph: joe joey
joshua: josh
kenneth: ken kenny
lawrence laurence: larry
leonard: len lenny
margaret: maggie meg peggy marge margie
matthew: matt
michael: mike mikey mick micky
mikhail: misha
nathaniel nathan: nate nat
nicholas nikolaus: nick nicky
nikolai nikolay: kolya
patricia: patty trish
patrick: paddy
pavel: pasha
peter: pete
rebecca: becky
richard: dick rick ricky rich richie
robert: bob bobby rob robbie
ronald: ron ronnie
samuel: sam sammy
sergey sergei: seryozha
stephen steven: steve
susan: sue susie
theodore: ted teddy theo
thomas: tom tommy
timothy: tim timmy
victoria: vicky
vladimir: vova volodya
william wilhelm: bill billy will willy willie
yevgeny evgeny: zhenya
zachary: zach zack
"""


def _parse(text: str) -> dict[str, frozenset[int]]:
    groups: dict[str, set[int]] = {}
    for gid, line in enumerate(x for x in text.strip().splitlines() if x.strip()):
        full, pets = line.split(":")
        for name in full.split() + pets.split():
            groups.setdefault(name, set()).add(gid)
    return {k: frozenset(v) for k, v in groups.items()}


NICKNAME_GROUPS = _parse(_GROUPS)
_FULL = frozenset(w for line in _GROUPS.strip().splitlines() if line.strip() for w in line.split(":")[0].split())


def nickname_of(a: str, b: str) -> bool:
    """One of two different Latin given names is a pet form of the other (Ted / Theodore, Bibi / Benjamin)."""
    ga = NICKNAME_GROUPS.get(a)
    if ga is None or a == b:
        return False
    gb = NICKNAME_GROUPS.get(b)
    if gb is None or (a in _FULL and b in _FULL):
        return False  # (Alexander / Alexandra share a pet form, not a name)
    return not ga.isdisjoint(gb)
