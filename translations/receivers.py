"""Listens to claims: the seed loader's event (the Ukrainian translations of the seed checks)."""

from django.dispatch import receiver

from claims import events
from translations import seeds


@receiver(events.seeds_loaded)
def load_seed_translations(sender, base, users, **kwargs):
    seeds.load(base=base, reviewer=users.get("reviewer"))
