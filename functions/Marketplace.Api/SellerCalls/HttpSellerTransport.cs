using System.Net.Http.Headers;
using System.Text;
using Marketplace.Core.SellerCalls;
using Marketplace.Core.SellerCalls.Protocol;

namespace Marketplace.Api.SellerCalls;

/// <summary>
/// Sends seller calls with a pooled <see cref="HttpClient"/> (named client <see cref="ClientName"/>): POST, the body as
/// signed (UTF-8, <c>application/json;charset=utf8</c>), the timeout per call, no redirects followed (a redirect is an
/// HTTP status like any other), answers read up to <see cref="MaxResponseBytes"/>.
/// </summary>
public sealed class HttpSellerTransport(IHttpClientFactory clients) : ISellerTransport
{
    public const string ClientName = "sellers";
    public const int MaxResponseBytes = 1 << 20;

    public async Task<SellerResponse> SendAsync(SignedSellerRequest request, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var message = new HttpRequestMessage(HttpMethod.Post, request.Url)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(request.Body)),
        };
        message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(SignedSellerRequest.ContentType);
        foreach (var (name, value) in request.Headers) message.Headers.TryAddWithoutValidation(name, value);

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            var client = clients.CreateClient(ClientName);
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, limit.Token);
            var body = await ReadAsync(response.Content, limit.Token);
            var bodySign = response.Headers.TryGetValues(BodySign.HeaderName, out var values) ? values.FirstOrDefault() : null;
            return SellerResponse.Http((int)response.StatusCode, body, bodySign);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return SellerResponse.Timeout(timeout);
        }
        catch (HttpRequestException ex)
        {
            return SellerResponse.Failure(Describe(ex));
        }
        catch (IOException ex)
        {
            return SellerResponse.Failure("the connection broke: " + ex.Message);
        }
    }

    private static async Task<string> ReadAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes) throw new HttpRequestException($"the answer is longer than {MaxResponseBytes} bytes");
            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string Describe(HttpRequestException ex) => ex.HttpRequestError switch
    {
        HttpRequestError.ConnectionError => "connection failed: " + (ex.InnerException?.Message ?? ex.Message),
        HttpRequestError.NameResolutionError => "the host name could not be resolved",
        HttpRequestError.SecureConnectionError => "the TLS handshake failed: " + (ex.InnerException?.Message ?? ex.Message),
        _ => ex.Message,
    };
}
