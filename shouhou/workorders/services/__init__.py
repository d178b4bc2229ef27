"""Every write to work orders, by subject (architecture §4, §8; issue 9). Callers import the subject module
they need (`from shouhou.workorders.services import actions`); nothing is re-exported here.

kernel       the shared steps: lock, save, snapshot/record (timeline), emit (outbox), spans, deadlines
orders       create, edit, copy, notes, add-on components
actions      the flow actions an actor asks for; `perform` checks the table and applies or asks approval
transitions  applying an action (APPLY), also run by approvals.approve
receipts     the receipt and its draft
locations    positions and the location check
approvals    asking for and deciding approvals
batch        batch assign / edit / transfer (all or nothing)
types        work-order types, service options, add-on components (the settings)
timeouts     node deadlines: overdue marks and timeout reminders
uploads      uploaded photos and files
"""
