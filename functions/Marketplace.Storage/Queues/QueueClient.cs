using System.Globalization;
using System.Text;
using System.Xml;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Marketplace.Storage.Queues;

/// <summary>
/// One storage queue (Queue REST over Azure.Core's pipeline). Message text is sent base64-encoded (UTF-8) inside
/// <c>&lt;QueueMessage&gt;&lt;MessageText&gt;</c>, the format the Functions queue trigger and the Azure SDK expect.
/// Thread-safe.
/// </summary>
public sealed class QueueClient
{
    /// <summary>Largest message text in UTF-8 bytes that fits the 64 KiB limit once base64-encoded.</summary>
    public const int MaxMessageBytes = 48 * 1024;

    private readonly StorageAccount _account;
    private readonly HttpPipeline _pipeline;
    private readonly string _queueUri;
    private volatile QueueClient? _poisonQueue;

    internal QueueClient(StorageAccount account, string queueName)
    {
        ValidateQueueName(queueName);
        _account = account;
        Name = queueName;
        _pipeline = account.Pipeline;
        _queueUri = StorageAccount.Trim(account.QueueEndpoint) + "/" + queueName;
    }

    public string Name { get; }

    public Uri Uri => new(_queueUri);

    /// <summary>Creates the queue; returns false if it already existed.</summary>
    public async Task<bool> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Put, _queueUri);
        message.Request.Content = RequestContent.Create(ReadOnlyMemory<byte>.Empty);
        var response = await StorageHttp.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        return response.Status switch
        {
            201 => true,
            204 => false,
            _ => throw StorageHttp.CreateException(response, StorageService.Queue, $"Create queue '{Name}'"),
        };
    }

    /// <summary>Deletes the queue and its messages; returns false if it did not exist.</summary>
    public async Task<bool> DeleteQueueAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Delete, _queueUri);
        var response = await StorageHttp.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 204) return true;
        if (response.Status == 404) return false;
        throw StorageHttp.CreateException(response, StorageService.Queue, $"Delete queue '{Name}'");
    }

    /// <summary>
    /// Enqueues <paramref name="text"/>. <paramref name="visibilityDelay"/> hides it for that long (up to 7 days);
    /// <paramref name="timeToLive"/> defaults to the service's 7 days (<see cref="Timeout.InfiniteTimeSpan"/> = never expires).
    /// </summary>
    public async Task<SendReceipt> SendAsync(string text, TimeSpan? visibilityDelay = null, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length > MaxMessageBytes) throw new ArgumentException($"The message is {bytes.Length} bytes; at most {MaxMessageBytes} fit a queue message.", nameof(text));
        var uri = new StringBuilder(_queueUri).Append("/messages");
        var separator = '?';
        if (visibilityDelay is { } delay)
        {
            if (delay < TimeSpan.Zero || delay > TimeSpan.FromDays(7)) throw new ArgumentOutOfRangeException(nameof(visibilityDelay), "The delay must be between 0 and 7 days.");
            uri.Append(separator).Append("visibilitytimeout=").Append(Seconds(delay));
            separator = '&';
        }

        if (timeToLive is { } ttl)
        {
            uri.Append(separator).Append("messagettl=").Append(ttl == Timeout.InfiniteTimeSpan ? "-1" : Seconds(ttl));
        }

        using var message = CreateMessage(RequestMethod.Post, uri.ToString());
        message.Request.Headers.SetValue("Content-Type", "application/xml");
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessage><MessageText>" + Convert.ToBase64String(bytes) + "</MessageText></QueueMessage>"));
        var response = await StorageHttp.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 201) throw StorageHttp.CreateException(response, StorageService.Queue, $"Send to queue '{Name}'");
        var parsed = ParseMessages(response.ContentStream!);
        if (parsed.Count == 0) throw new StorageException(response.Status, null, "Put Message answered without a message.");
        return new SendReceipt(parsed[0].MessageId, parsed[0].PopReceipt);
    }

    /// <summary>
    /// Receives up to <paramref name="maxMessages"/> (1-32) visible messages and hides them for
    /// <paramref name="visibilityTimeout"/> (at least 1 s); each receive increases a message's dequeue count.
    /// </summary>
    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, 32);
        if (visibilityTimeout < TimeSpan.FromSeconds(1) || visibilityTimeout > TimeSpan.FromDays(7))
        {
            throw new ArgumentOutOfRangeException(nameof(visibilityTimeout), "The visibility timeout must be between 1 second and 7 days.");
        }

        using var message = CreateMessage(RequestMethod.Get,
            _queueUri + "/messages?numofmessages=" + maxMessages.ToString(CultureInfo.InvariantCulture) + "&visibilitytimeout=" + Seconds(visibilityTimeout));
        var response = await StorageHttp.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 200) throw StorageHttp.CreateException(response, StorageService.Queue, $"Receive from queue '{Name}'");
        var messages = ParseMessages(response.ContentStream!);
        for (var i = 0; i < messages.Count; i++) messages[i] = messages[i] with { QueueName = Name };
        return messages;
    }

    /// <summary>
    /// Deletes a received message. Returns false if it was not deleted because it is gone (deleted or expired: 404
    /// MessageNotFound) or this lease was lost (its visibility timeout passed and it was received again: 400
    /// PopReceiptMismatch); in the latter case another consumer now holds it.
    /// </summary>
    public async Task<bool> DeleteAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Delete, MessageUri(messageId, popReceipt));
        var response = await StorageHttp.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 204) return true;
        var error = StorageHttp.CreateException(response, StorageService.Queue, $"Delete message from queue '{Name}'");
        if (response.Status == 404 || (response.Status == 400 && error.ErrorCode == "PopReceiptMismatch")) return false;
        throw error;
    }

    /// <summary>
    /// Extends (or shortens) a received message's invisibility to <paramref name="visibilityTimeout"/> from now
    /// (Update Message). Returns the new pop receipt, which replaces the old one. Throws a
    /// <see cref="StorageException"/> if the lease was lost: 400 PopReceiptMismatch (received again by someone else)
    /// or 404 MessageNotFound (deleted or expired).
    /// </summary>
    public async Task<string> ExtendLeaseAsync(string messageId, string popReceipt, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        if (visibilityTimeout < TimeSpan.Zero || visibilityTimeout > TimeSpan.FromDays(7))
        {
            throw new ArgumentOutOfRangeException(nameof(visibilityTimeout), "The visibility timeout must be between 0 and 7 days.");
        }

        using var message = CreateMessage(RequestMethod.Put, MessageUri(messageId, popReceipt) + "&visibilitytimeout=" + Seconds(visibilityTimeout));
        message.Request.Content = RequestContent.Create(ReadOnlyMemory<byte>.Empty);
        var response = await StorageHttp.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 204) throw StorageHttp.CreateException(response, StorageService.Queue, $"Update message in queue '{Name}'");
        return StorageHttp.GetHeader(response, "x-ms-popreceipt") ?? throw new StorageException(204, null, "Update Message answered without a pop receipt.");
    }

    /// <summary>The approximate number of messages (visible or not) in the queue.</summary>
    public async Task<long> ApproximateCountAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Get, _queueUri + "?comp=metadata");
        var response = await StorageHttp.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 200) throw StorageHttp.CreateException(response, StorageService.Queue, $"Get metadata of queue '{Name}'");
        return long.TryParse(StorageHttp.GetHeader(response, "x-ms-approximate-messages-count"), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : 0;
    }

    /// <summary>Deletes every message of the queue.</summary>
    public async Task ClearAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Delete, _queueUri + "/messages");
        var response = await StorageHttp.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 204) throw StorageHttp.CreateException(response, StorageService.Queue, $"Clear queue '{Name}'");
    }

    /// <summary>
    /// Moves a received message to <c>{queue}-poison</c> (created on first use): sends its text there, then deletes
    /// the original with its pop receipt. See <see cref="PoisonPolicy"/> for when a consumer should do this.
    /// </summary>
    public async Task<SendReceipt> MoveToPoisonAsync(QueueMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var poison = _poisonQueue;
        if (poison is null)
        {
            poison = new QueueClient(_account, PoisonPolicy.PoisonQueueName(Name));
            await poison.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            _poisonQueue = poison;
        }

        var receipt = await poison.SendAsync(message.Text, timeToLive: Timeout.InfiniteTimeSpan, cancellationToken: cancellationToken).ConfigureAwait(false);
        await DeleteAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
        return receipt;
    }

    /// <summary>The client of this queue's poison queue.</summary>
    public QueueClient GetPoisonQueueClient() => _poisonQueue ?? new QueueClient(_account, PoisonPolicy.PoisonQueueName(Name));

    private HttpMessage CreateMessage(RequestMethod method, string uri) =>
        StorageHttp.CreateMessage(_pipeline, StorageService.Queue, method, uri);

    private string MessageUri(string messageId, string popReceipt)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(popReceipt);
        return _queueUri + "/messages/" + Uri.EscapeDataString(messageId) + "?popreceipt=" + Uri.EscapeDataString(popReceipt);
    }

    private static string Seconds(TimeSpan value) =>
        ((long)Math.Ceiling(value.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static List<QueueMessage> ParseMessages(Stream xml)
    {
        var result = new List<QueueMessage>();
        using var reader = XmlReader.Create(xml, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, IgnoreWhitespace = true });
        string? id = null, pop = null, text = null;
        long dequeue = 0;
        DateTimeOffset inserted = default, nextVisible = default;
        reader.MoveToContent();
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                switch (reader.LocalName)
                {
                    case "QueueMessage":
                        id = pop = text = null;
                        dequeue = 0;
                        inserted = nextVisible = default;
                        reader.Read();
                        continue;
                    case "MessageId":
                        id = reader.ReadElementContentAsString();
                        continue;
                    case "PopReceipt":
                        pop = reader.ReadElementContentAsString();
                        continue;
                    case "DequeueCount":
                        dequeue = long.Parse(reader.ReadElementContentAsString(), CultureInfo.InvariantCulture);
                        continue;
                    case "InsertionTime":
                        inserted = ParseDate(reader.ReadElementContentAsString());
                        continue;
                    case "TimeNextVisible":
                        nextVisible = ParseDate(reader.ReadElementContentAsString());
                        continue;
                    case "MessageText":
                        text = DecodeText(reader.ReadElementContentAsString());
                        continue;
                }
            }
            else if (reader.NodeType == XmlNodeType.EndElement && reader.LocalName == "QueueMessage" && id is not null)
            {
                result.Add(new QueueMessage(id, pop ?? string.Empty, dequeue, text ?? string.Empty, inserted, nextVisible));
                id = null;
            }

            reader.Read();
        }

        return result;
    }

    private static DateTimeOffset ParseDate(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>Base64 UTF-8 as this client sends; text that is not base64 (another producer's plain text) is kept as is.</summary>
    private static string DecodeText(string raw)
    {
        var buffer = new byte[(raw.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(raw, buffer, out var written) ? Encoding.UTF8.GetString(buffer, 0, written) : raw;
    }

    /// <summary>Queue names: 3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit.</summary>
    internal static void ValidateQueueName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is < 3 or > 63 || !char.IsAsciiLetterOrDigit(name[0]) || name.EndsWith('-') || name.Contains("--", StringComparison.Ordinal) ||
            !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            throw new ArgumentException($"'{name}' is not a valid queue name (3-63 lower-case letters, digits and single hyphens).", nameof(name));
        }
    }
}
