using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Marketplace.Server.Tests.Functions;

/// <summary>An HTTP route as both hosts see it: upper-case method and a normalized pattern (<c>api/cases/{}</c>).</summary>
public sealed record HttpRoute(string Method, string Pattern)
{
    public override string ToString() => $"{Method} /{Pattern}";

    /// <summary>Literal segments lower-cased, parameters as <c>{}</c> (names and constraints do not matter for matching).</summary>
    public static HttpRoute Of(string method, string pattern)
    {
        var parsed = RoutePatternFactory.Parse(pattern.Trim('/'));
        var segments = parsed.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
        {
            RoutePatternLiteralPart l => l.Content.ToLowerInvariant(),
            RoutePatternParameterPart { IsCatchAll: true } => "{*}",
            RoutePatternParameterPart => "{}",
            RoutePatternSeparatorPart sep => sep.Content,
            _ => throw new NotSupportedException(p.GetType().Name),
        })));
        return new HttpRoute(method.ToUpperInvariant(), string.Join('/', segments));
    }
}

/// <summary>One <c>[Function]</c> of the Function App as read from its source.</summary>
public sealed record FunctionEntry(
    string Name,
    string File,
    string Trigger,
    IReadOnlyList<HttpRoute> Routes,
    string? Setting,
    string? Connection,
    string? CronJob,
    string Source);

/// <summary>
/// Reads the Function App's functions from its C# sources (the project cannot be built here, so its attributes are
/// read as text): each <c>[Function("...")]</c> block with its trigger, HTTP methods and route, the app setting its
/// schedule or queue names, and the cron job it runs. The conventions it relies on are the project's own: one
/// attribute per line, timer functions calling <c>RunCronJobAsync("job-name", ...)</c>.
/// </summary>
public static partial class FunctionAppSource
{
    public const string RoutePrefix = "api";

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Marketplace.Functions.sln"))) return dir.FullName;
            throw new InvalidOperationException("Repository root (Marketplace.Functions.sln) not found above " + AppContext.BaseDirectory);
        }
    }

    public static string ProjectDirectory => Path.Combine(RepositoryRoot, "functions", "Marketplace.Functions");

    public static IReadOnlyList<FunctionEntry> Read(string projectDirectory)
    {
        var entries = new List<FunctionEntry>();
        foreach (var file in Directory.EnumerateFiles(projectDirectory, "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
                     .Order(StringComparer.Ordinal))
        {
            var text = File.ReadAllText(file);
            var starts = FunctionAttribute().Matches(text).ToList();
            for (var i = 0; i < starts.Count; i++)
            {
                var end = i + 1 < starts.Count ? starts[i + 1].Index : text.Length;
                var block = text[starts[i].Index..end];
                entries.Add(Parse(starts[i].Groups["name"].Value, Path.GetRelativePath(projectDirectory, file), block));
            }
        }

        return entries;
    }

    public static IReadOnlyList<HttpRoute> HttpRoutes(IEnumerable<FunctionEntry> functions) =>
        functions.SelectMany(f => f.Routes).ToList();

    private static FunctionEntry Parse(string name, string file, string block)
    {
        if (HttpTrigger().Match(block) is { Success: true } http)
        {
            var route = http.Groups["route"].Value;
            var methods = Quoted().Matches(http.Groups["methods"].Value).Select(m => m.Groups[1].Value);
            return new FunctionEntry(name, file, "http", methods.Select(m => HttpRoute.Of(m, $"{RoutePrefix}/{route}")).ToList(), null, null, null, block);
        }

        if (TimerTrigger().Match(block) is { Success: true } timer)
            return new FunctionEntry(name, file, "timer", [], timer.Groups["setting"].Value, null,
                CronJobCall().Match(block) is { Success: true } job ? job.Groups["job"].Value : null, block);

        if (ServiceBusTrigger().Match(block) is { Success: true } bus)
            return new FunctionEntry(name, file, "serviceBus", [], bus.Groups["setting"].Value, bus.Groups["connection"].Value, null, block);

        if (block.Contains("[OrchestrationTrigger]", StringComparison.Ordinal)) return new FunctionEntry(name, file, "orchestration", [], null, null, null, block);
        if (block.Contains("[ActivityTrigger]", StringComparison.Ordinal)) return new FunctionEntry(name, file, "activity", [], null, null, null, block);
        return new FunctionEntry(name, file, "unknown", [], null, null, null, block);
    }

    [GeneratedRegex("""\[Function\((?:"(?<name>[^"]+)"|nameof\((?<name>\w+)\))\)\]""")]
    private static partial Regex FunctionAttribute();

    [GeneratedRegex("""\[HttpTrigger\(AuthorizationLevel\.\w+,(?<methods>(?:\s*"\w+",)+)\s*Route\s*=\s*"(?<route>[^"]*)"\)\]""")]
    private static partial Regex HttpTrigger();

    [GeneratedRegex("\"(\\w+)\"")]
    private static partial Regex Quoted();

    [GeneratedRegex("""\[TimerTrigger\("%(?<setting>\w+)%"\)\]""")]
    private static partial Regex TimerTrigger();

    [GeneratedRegex("RunCronJobAsync\\(\"(?<job>[^\"]+)\"")]
    private static partial Regex CronJobCall();

    [GeneratedRegex("""\[ServiceBusTrigger\("%(?<setting>\w+)%",\s*Connection\s*=\s*"(?<connection>\w+)"\)\]""")]
    private static partial Regex ServiceBusTrigger();
}

/// <summary>The comparison both directions of the manifest test use.</summary>
public static class FunctionAppManifest
{
    /// <summary>Routes of <paramref name="required"/> that <paramref name="offered"/> does not have.</summary>
    public static IReadOnlyList<HttpRoute> Missing(IEnumerable<HttpRoute> required, IEnumerable<HttpRoute> offered)
    {
        var have = offered.ToHashSet();
        return required.Distinct().Where(r => !have.Contains(r)).OrderBy(r => r.Pattern, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal).ToList();
    }

    /// <summary>The server's routes: every route endpoint with its HTTP methods.</summary>
    public static IReadOnlyList<HttpRoute> ServerRoutes(EndpointDataSource endpoints) =>
        endpoints.Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => HttpRoute.Of(m, e.RoutePattern.RawText ?? throw new InvalidOperationException($"{e.DisplayName} has no route pattern text."))))
            .Distinct()
            .ToList();
}
