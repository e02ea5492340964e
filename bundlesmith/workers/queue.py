"""The SQS boundary of producers and workers: send, long-poll, delete, extend visibility, dead-letter with a reason.

    queue = ChangeQueue(boto3.client("sqs"), url)         # the client is made by the caller, after any mock starts
    queue.send([body, ...])                                # ten per SendMessageBatch call
    for message in queue.receive(wait=20):                 # long poll; Message(id, receipt, body, receive_count)
        queue.extend(message, 60)                          # ChangeMessageVisibility (the worker's heartbeat)
        queue.delete(message)                              # processed
        queue.dead_letter(message, "why")                  # to the DLQ with a `reason` attribute, then deleted

The queue's RedrivePolicy names the dead-letter queue and `maxReceiveCount`: SQS itself moves a message there after
that many receives (a worker that died on its last try); a worker that fails on the last try moves it itself, with
the reason attached. `create_queues` sets both up (tests, benchmarks, the DEPLOYMENT guide's defaults). AWS errors
become `builder.errors.QueueError` in `publish.aws.translate_aws_errors`, the one AWS boundary.
"""
from __future__ import annotations

import json
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from builder.errors import QueueError
from publish.aws import translate_aws_errors

REASON_ATTRIBUTE = "reason"
MAX_REASON = 1000  # characters of a failure kept on the dead-lettered message


@dataclass(frozen=True)
class Message:
    """One received message."""

    id: str
    receipt: str
    body: str
    receive_count: int
    attributes: dict[str, str]


class ChangeQueue:
    """One SQS queue of change messages and its dead-letter queue."""

    def __init__(self, client: Any, url: str):
        self.client, self.url = client, url
        self._redrive: dict[str, Any] | None = None

    def send(self, bodies: list[str]) -> list[str]:
        """Send message bodies, ten per request; return the message ids."""
        ids: list[str] = []
        for start in range(0, len(bodies), 10):
            entries = [{"Id": str(n), "MessageBody": body} for n, body in enumerate(bodies[start:start + 10])]
            with _sqs_errors(f"Failed to send {len(entries)} messages to {self.url}"):
                result = self.client.send_message_batch(QueueUrl=self.url, Entries=entries)
            if result.get("Failed"):
                failed = result["Failed"][0]
                raise QueueError(f"Failed to send a message to {self.url}: {failed.get('Code')} "
                                    f"{failed.get('Message', '')}".rstrip())
            ids += [ok["MessageId"] for ok in sorted(result.get("Successful", []), key=lambda r: int(r["Id"]))]
        return ids

    def receive(self, *, wait: int = 20, limit: int = 1, visibility: int | None = None) -> list[Message]:
        """Long-poll for up to `limit` messages (at most `wait` seconds)."""
        args: dict[str, Any] = {"QueueUrl": self.url, "MaxNumberOfMessages": limit, "WaitTimeSeconds": wait,
                                "AttributeNames": ["ApproximateReceiveCount"], "MessageAttributeNames": ["All"]}
        if visibility is not None:
            args["VisibilityTimeout"] = visibility
        with _sqs_errors(f"Failed to receive from {self.url}"):
            result = self.client.receive_message(**args)
        return [Message(m["MessageId"], m["ReceiptHandle"], m["Body"],
                        int(m.get("Attributes", {}).get("ApproximateReceiveCount", 1)),
                        {k: v.get("StringValue", "") for k, v in m.get("MessageAttributes", {}).items()})
                for m in result.get("Messages", [])]

    def delete(self, message: Message) -> None:
        """Delete a processed message."""
        with _sqs_errors(f"Failed to delete message {message.id} from {self.url}"):
            self.client.delete_message(QueueUrl=self.url, ReceiptHandle=message.receipt)

    def extend(self, message: Message, seconds: int) -> None:
        """Keep a message invisible for `seconds` more (0 makes it visible again now)."""
        with _sqs_errors(f"Failed to change the visibility of message {message.id} in {self.url}"):
            self.client.change_message_visibility(QueueUrl=self.url, ReceiptHandle=message.receipt,
                                                  VisibilityTimeout=seconds)

    @property
    def max_receive_count(self) -> int | None:
        """Return after how many receives SQS dead-letters a message (None: the queue has no DLQ)."""
        count = self._redrive_policy().get("maxReceiveCount")
        return int(count) if count is not None else None

    @property
    def dead_letter_url(self) -> str | None:
        """Return the URL of the dead-letter queue (None: the queue has none)."""
        arn = self._redrive_policy().get("deadLetterTargetArn")
        if not arn:
            return None
        name, account = arn.split(":")[-1], arn.split(":")[-2]
        with _sqs_errors(f"Failed to find the dead-letter queue {arn}"):
            return self.client.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]

    def dead_letter(self, message: Message, reason: str) -> None:
        """Move a message to the dead-letter queue with the reason it failed, then delete it here."""
        target = self.dead_letter_url
        if target is None:
            raise QueueError(f"{self.url} has no dead-letter queue (RedrivePolicy); message {message.id} stays")
        attributes = {REASON_ATTRIBUTE: {"DataType": "String", "StringValue": reason[:MAX_REASON] or "unknown"},
                      "source_message_id": {"DataType": "String", "StringValue": message.id},
                      "receive_count": {"DataType": "Number", "StringValue": str(message.receive_count)}}
        with _sqs_errors(f"Failed to send message {message.id} to the dead-letter queue {target}"):
            self.client.send_message(QueueUrl=target, MessageBody=message.body, MessageAttributes=attributes)
        self.delete(message)

    def _redrive_policy(self) -> dict[str, Any]:
        if self._redrive is None:
            with _sqs_errors(f"Failed to read the attributes of {self.url}"):
                found = self.client.get_queue_attributes(QueueUrl=self.url, AttributeNames=["RedrivePolicy"])
            self._redrive = json.loads(found.get("Attributes", {}).get("RedrivePolicy") or "{}")
        return self._redrive


def create_queues(client: Any, name: str, *, max_receive_count: int = 5, visibility: int = 120) -> tuple[str, str]:
    """Create a change queue and its dead-letter queue (`<name>-dlq`); return both URLs."""
    with _sqs_errors(f"Failed to create the queues {name} and {name}-dlq"):
        dlq = client.create_queue(QueueName=f"{name}-dlq", Attributes={"MessageRetentionPeriod": "1209600"})["QueueUrl"]
        arn = client.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        policy = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": str(max_receive_count)})
        url = client.create_queue(QueueName=name, Attributes={"VisibilityTimeout": str(visibility),
                                                               "RedrivePolicy": policy})["QueueUrl"]
    return url, dlq


def _sqs_errors(what: str) -> AbstractContextManager[None]:
    """Translate AWS errors into QueueError through the one AWS boundary."""
    return translate_aws_errors(what, QueueError)
