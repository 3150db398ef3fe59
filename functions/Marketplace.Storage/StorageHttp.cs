using System.Text.Json;
using System.Xml;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Marketplace.Storage;

/// <summary>Which storage service a request goes to; decides the SharedKey string-to-sign.</summary>
internal enum StorageService
{
    Blob,
    Queue,
    Table,
}

/// <summary>Plumbing shared by the table, blob and queue clients: message creation, sending, error mapping.</summary>
internal static class StorageHttp
{
    internal const string ServicePropertyName = "Marketplace.Storage.Service";
    internal const string BlobQueueVersion = "2021-12-02";
    internal const string TableVersion = "2019-02-02";

    private static readonly object BlobBox = StorageService.Blob;
    private static readonly object QueueBox = StorageService.Queue;
    private static readonly object TableBox = StorageService.Table;

    internal static HttpMessage CreateMessage(HttpPipeline pipeline, StorageService service, RequestMethod method, string uri)
    {
        var message = pipeline.CreateMessage();
        message.SetProperty(ServicePropertyName, service switch
        {
            StorageService.Blob => BlobBox,
            StorageService.Queue => QueueBox,
            _ => TableBox,
        });
        var request = message.Request;
        request.Method = method;
        request.Uri.Reset(new Uri(uri));
        request.Headers.SetValue("x-ms-version", service == StorageService.Table ? TableVersion : BlobQueueVersion);
        return message;
    }

    internal static StorageService GetService(HttpMessage message) =>
        message.TryGetProperty(ServicePropertyName, out var value) && value is StorageService service ? service : StorageService.Blob;

    /// <summary>Sends the message; transport failures become a <see cref="StorageException"/> with status 0.</summary>
    internal static async ValueTask<Response> SendAsync(HttpPipeline pipeline, HttpMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            throw new StorageException(e.Status, e.ErrorCode, e.Message, e);
        }

        return message.Response;
    }

    /// <summary>Builds the typed exception for an error response whose body is buffered.</summary>
    internal static StorageException CreateException(Response response, StorageService service, string operation)
    {
        string? body = null;
        try
        {
            body = response.Content?.ToString();
        }
        catch (InvalidOperationException)
        {
            // Content not buffered (streaming response): no body to read here.
        }

        return CreateException(response, service, operation, body);
    }

    /// <summary>Builds the typed exception for an error response of a streaming (unbuffered) request.</summary>
    internal static async ValueTask<StorageException> CreateExceptionFromStreamAsync(Response response, StorageService service, string operation, CancellationToken cancellationToken)
    {
        string? body = null;
        if (response.ContentStream is { } stream)
        {
            using var reader = new StreamReader(stream);
            body = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        return CreateException(response, service, operation, body);
    }

    internal static StorageException CreateException(Response response, StorageService service, string operation, string? body)
    {
        response.Headers.TryGetValue("x-ms-error-code", out var code);
        string? detail = null;
        if (!string.IsNullOrWhiteSpace(body))
        {
            (var bodyCode, detail) = service == StorageService.Table ? ParseJsonError(body) : ParseXmlError(body);
            code ??= bodyCode;
        }

        var message = $"{operation} failed: {response.Status} {response.ReasonPhrase}" +
                      (code is null ? string.Empty : $" ({code})") +
                      (string.IsNullOrWhiteSpace(detail) ? string.Empty : $": {FirstLine(detail)}");
        var exception = StorageException.Create(response.Status, code, message);
        exception.RequestId = response.Headers.RequestId;
        return exception;
    }

    internal static (string? Code, string? Message) ParseJsonError(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                (document.RootElement.TryGetProperty("odata.error", out var error) ||
                 document.RootElement.TryGetProperty("error", out error)))
            {
                string? code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                string? message = null;
                if (error.TryGetProperty("message", out var m))
                {
                    message = m.ValueKind switch
                    {
                        JsonValueKind.String => m.GetString(),
                        JsonValueKind.Object when m.TryGetProperty("value", out var v) => v.GetString(),
                        _ => null,
                    };
                }

                return (code, message);
            }
        }
        catch (JsonException)
        {
        }

        return (null, body);
    }

    internal static (string? Code, string? Message) ParseXmlError(string body)
    {
        try
        {
            using var reader = XmlReader.Create(new StringReader(body), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
            string? code = null, message = null;
            reader.MoveToContent();
            while (!reader.EOF)
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "Code") code = reader.ReadElementContentAsString();
                else if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "Message") message = reader.ReadElementContentAsString();
                else reader.Read();
            }

            return (code, message);
        }
        catch (XmlException)
        {
            return (null, body);
        }
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n');
        return (end < 0 ? text : text[..end]).Trim();
    }

    internal static string? GetHeader(Response response, string name) =>
        response.Headers.TryGetValue(name, out var value) ? value : null;
}
