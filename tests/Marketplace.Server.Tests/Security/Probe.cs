using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Marketplace.Server.Tests.Security;

/// <summary>One answer, read whole: status, media type, problem code, body text.</summary>
public sealed record Answer(int Status, string? MediaType, string? Code, string Body, HttpResponseHeaders Headers)
{
    public bool IsProblem => MediaType == "application/problem+json" && !string.IsNullOrEmpty(Code);

    public override string ToString() => $"{Status} {Code ?? MediaType ?? "(no body)"}";

    public static async Task<Answer> SendAsync(HttpClient client, HttpRequestMessage request, string? bearer = null)
    {
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var type = response.Content.Headers.ContentType?.MediaType;
        string? code = null;
        if (type == "application/problem+json")
        {
            try { code = JsonNode.Parse(body)?["code"]?.GetValue<string>(); }
            catch (JsonException) { }
            catch (InvalidOperationException) { }
        }

        return new Answer((int)response.StatusCode, type, code, body, response.Headers);
    }
}
