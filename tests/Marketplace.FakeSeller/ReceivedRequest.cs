using System.Text.Json;

namespace Marketplace.FakeSeller;

/// <summary>One request the fake seller received, with what it made of it and what it answered.</summary>
public sealed record ReceivedRequest(
    int Sequence,
    DateTimeOffset At,
    string Path,
    string Activity,
    bool IsKit,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    bool Verified,
    string? VerificationError,
    int? KeyIndex,
    int StatusCode,
    string? ResultCode,
    string ResponseBody)
{
    /// <summary>A top-level string or number member of the body, as text; null when absent or the body is not JSON.</summary>
    public string? Field(string name)
    {
        try
        {
            using var doc = JsonDocument.Parse(Body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var value))
            {
                return value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }
}

/// <summary>An instance the fake seller holds.</summary>
public sealed record FakeInstance
{
    public required string InstanceId { get; init; }
    public required string OrderId { get; init; }
    public required string OrderLineId { get; init; }
    public required string FirstBusinessId { get; init; }
    public string Status { get; init; } = "Active";
    public string? ExpireTime { get; init; }
    public string? LastScene { get; init; }
    public int PollsBeforeReady { get; init; }
    public IReadOnlyList<string> UpgradeOrders { get; init; } = [];
    public bool Test { get; init; }
}
