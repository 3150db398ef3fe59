namespace Marketplace.Core.SellerCalls.Protocol;

/// <summary>
/// What came back from one seller call, as observed at the edge: an HTTP status and raw body (and the
/// <c>Body-Sign</c> header, if any), or a timeout, or a transport error (connection refused, TLS failure, DNS...).
/// </summary>
public sealed record SellerResponse(
    int? HttpStatus,
    string? Body,
    string? BodySignHeader = null,
    bool TimedOut = false,
    string? TransportError = null)
{
    public static SellerResponse Http(int status, string? body, string? bodySignHeader = null) => new(status, body, bodySignHeader);

    public static SellerResponse Timeout(TimeSpan after) =>
        new(null, null, TimedOut: true, TransportError: $"no answer within {after.TotalSeconds:0.###} s");

    public static SellerResponse Failure(string error) => new(null, null, TransportError: error);
}

public enum SellerOutcomeKind
{
    /// <summary>HTTP 200 and resultCode 000000 (and the activity's mandatory answer fields).</summary>
    Succeeded,
    /// <summary>HTTP 200 and 000004 for newInstance/upgradeInstance: the platform polls queryInstance.</summary>
    InProgress,
    /// <summary>Anything else. Every failure is retryable (within the retry window).</summary>
    Failed,
}

public enum SellerFailure
{
    None,
    /// <summary>A status other than 200.</summary>
    HttpStatus,
    /// <summary>No answer within the timeout (5 s).</summary>
    Timeout,
    /// <summary>Connection refused, TLS or DNS failure and the like.</summary>
    Transport,
    /// <summary>The body is missing, not JSON, or not a JSON object.</summary>
    InvalidJson,
    /// <summary>The JSON object has no string resultCode.</summary>
    MissingResultCode,
    /// <summary>A result code other than success (or 000004 where it is not allowed).</summary>
    ResultCode,
    /// <summary>000000 but the answer breaks the protocol (no instanceId, appInfo field too long, bad Body-Sign in strict mode...).</summary>
    InvalidResponse,
}

/// <summary>The <c>appInfo</c> of a queryInstance answer (§7.5, §5.3).</summary>
public sealed record AppInfo(string FrontEndUrl, string? AdminUrl = null, string? UserName = null, string? Password = null, string? Memo = null);

/// <summary>One <c>usageInfo</c> entry of a queryInstance answer.</summary>
public sealed record UsageInfo(string? RelatedInstanceId, decimal? UsageValue, string? StatisticalTime, string? DashboardUrl);

/// <summary>One element of the queryInstance <c>info[]</c>.</summary>
public sealed record InstanceInfo(string InstanceId, AppInfo? AppInfo, IReadOnlyList<UsageInfo> UsageInfo);

/// <summary>The classified result of one seller call.</summary>
public sealed record SellerOutcome(
    SellerOutcomeKind Kind,
    SellerFailure Failure,
    int? HttpStatus,
    string? ResultCode,
    string? ResultMsg,
    string? Error,
    string? InstanceId = null,
    IReadOnlyList<InstanceInfo>? Info = null,
    bool BodySignMismatch = false)
{
    public bool IsSuccess => Kind == SellerOutcomeKind.Succeeded;

    public IReadOnlyList<InstanceInfo> InfoOrEmpty => Info ?? [];
}
