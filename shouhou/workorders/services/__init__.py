"""Every write to work orders, by subject (architecture §4, §8; issue 9). Callers import the subject module
they need (`from shouhou.workorders.services import actions`); nothing is re-exported here.

kernel       the shared steps: lock, save, snapshot/record (timeline), emit (outbox), spans, deadlines;
             RUNNER, work orders declared as a kind of the flow engine (core.flow.runner)
orders       create, edit, copy, notes, add-on components
actions      the flow actions an actor asks for; `perform` (the runner) checks the table, applies or asks approval
transitions  each action's own part (APPLY → a Step), also run by approvals.approve
receipts     the receipt and its draft
locations    positions and the location check
approvals    deciding approvals (core.flow.approvals)
batch        batch assign / edit / transfer (all or nothing)
types        work-order types, service options, add-on components (the settings)
timeouts     the work orders' part of the node-timeout sweep (core.flow.deadlines)
uploads      uploaded photos and files
"""
