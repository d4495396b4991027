"""Golden paths: Backstage ``scaffolder.backstage.io/v1beta3`` templates run headless.

Stages, top to bottom: :mod:`.template` loads a Template and resolves its placeholders,
:mod:`.checks` finds what is wrong with it before anything runs, :mod:`.parameters`
validates the answers page by page, :mod:`.runner` renders the steps (through
:mod:`.expressions` and :mod:`.actions`) into a :class:`.plan.Plan`: files per target,
branches, pull requests, repositories. Nothing here writes to disk or calls GitHub;
``portal new`` writes a plan's files and ``portal provision`` applies it through the
Forge seam.
"""
