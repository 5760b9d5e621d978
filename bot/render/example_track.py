"""The smallest useful track file, shown to an admin whose workspace has none yet.

A hosted admin has no repository to copy from, so the reply carries a file to start from: one tip and one
question in the course's format, with comments on the rules people trip on. A test sends exactly this
text back through ``admin import``, so it stays a file the bot accepts.
"""

from __future__ import annotations

EXAMPLE_TRACK = """\
track:
  id: our-ai-policy          # lowercase-with-dashes; every id below starts with it
  title: Our AI policy
  summary: How we use AI tools at work, one short lesson at a time.
  order: 1

tips:
  - id: our-ai-policy-tip-01 # <track id>-tip-NN
    title: Customer data stays in approved tools
    body: Paste customer data only into the AI tools on our approved list. A public chatbot may keep what you type.
    try_this: Check the AI tools your team used this week against the approved list.
    tags: [data-handling]    # 1 to 4 topics, lowercase-with-dashes
    difficulty: 1            # 1 (intro) to 3 (advanced)

questions:
  - id: our-ai-policy-q-01   # <track id>-q-NN
    prompt: You want a summary of a long customer email. Where may you paste it?
    options:                 # 3 to 5; feedback tells a learner why a wrong one is wrong
      - text: Any chatbot, if you delete the chat afterwards
        feedback: Deleting the chat does not delete what the provider already stored.
      - text: A tool on the approved list   # the answer takes no feedback
      - text: Any tool, once you remove the customer's name
        feedback: The rest of the email can still tell a reader who the customer is.
    answer: B
    explanation: Approved tools are under contract not to keep or learn from what we send them.
    tags: [data-handling]
    difficulty: 1
"""
