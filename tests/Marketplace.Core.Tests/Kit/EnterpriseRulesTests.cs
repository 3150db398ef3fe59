using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Core.Common;
using Marketplace.Core.Kit;
using Marketplace.Core.Persistence;

namespace Marketplace.Core.Tests.Kit;

public class EnterpriseRulesTests
{
    private static readonly DateTimeOffset Now = new(2022, 4, 20, 3, 41, 17, 642, TimeSpan.Zero);

    private static readonly EnterpriseBinding Binding = new()
    {
        BindingId = "eb-o1", OrderId = "o1", BuyerId = "b1", SellerId = "s1", ProductId = "p1", InstanceId = "i1",
        Tenant = new KitTenant("t1", "acme", "Acme", "https://acme.example"), App = new KitAppCredential("app-1", "client-1"),
    };

    private static List<KitUser> Users(int count, Func<int, KitUser>? make = null) =>
        Enumerable.Range(1, count).Select(make ?? (i => new KitUser($"user{i:D4}", $"User {i}", "rd", "user"))).ToList();

    [Fact]
    public void TimeStamp_is_UTC_plus_8_to_the_millisecond()
    {
        // §7.7's example 20220420114117642 is 2022-04-20 11:41:17.642 in UTC+8.
        Assert.Equal("20220420114117642", EnterpriseRules.TimeStamp(Now));
        Assert.Equal("20230101040000005", EnterpriseRules.TimeStamp(new DateTimeOffset(2022, 12, 31, 20, 0, 0, 5, TimeSpan.Zero)));
        Assert.Equal("20220420114117642", EnterpriseRules.TimeStamp(Now.ToOffset(TimeSpan.FromHours(-5))));
    }

    [Fact]
    public void AuthSync_bodies_have_integer_flags_the_user_list_as_an_array_and_UTC_plus_8_times()
    {
        var batches = EnterpriseRules.AuthSync(Binding, Users(1201), KitFlags.Revoke, Now);

        Assert.Equal([500, 500, 201], batches.Select(b => b.Users.Count));
        Assert.Equal([1, 2, 3], batches.Select(b => b.Batch));
        Assert.All(batches, b => Assert.Equal(3, b.Batches));
        foreach (var batch in batches)
        {
            var body = JsonNode.Parse(batch.Request.Body)!.AsObject();
            Assert.Equal("authSync", batch.Request.Activity);
            Assert.Equal(JsonValueKind.Number, body["flag"]!.GetValueKind()); // V1 and the base interfaces send strings; Kit V2 integers
            Assert.Equal("3", body["flag"]!.ToJsonString());
            Assert.Equal("0", body["testFlag"]!.ToJsonString());
            Assert.Equal(JsonValueKind.Array, body["userList"]!.GetValueKind()); // V1 sent a JSON string
            Assert.Equal("20220420114117642", body["timeStamp"]!.GetValue<string>());
            Assert.Equal("20220420114117642", body["currentSyncTime"]!.GetValue<string>());
            Assert.Equal(batch.Users.Select(u => u.UserName), body["userList"]!.AsArray().Select(u => u!["userName"]!.GetValue<string>()));
        }

        Assert.Equal(Users(1201).Select(u => u.UserName), batches.SelectMany(b => b.Users).Select(u => u.UserName));
    }

    [Fact]
    public void Users_with_long_fields_go_in_smaller_batches_so_no_body_passes_the_character_budget()
    {
        var users = Users(1201, i => new KitUser($"user{i:D4}-{new string('u', 50)}", new string('名', 128), new string('o', 64), "admin",
            $"{new string('e', 100)}{i}@example.com", "+86 138 0000 0000"));

        var batches = EnterpriseRules.AuthSync(Binding, users, KitFlags.Add, Now);

        Assert.True(batches.Count > 3);
        Assert.All(batches, b => Assert.True(b.Request.Body.Length <= EnterpriseRules.MaxBatchChars, $"{b.Request.Body.Length} characters"));
        Assert.All(batches, b => Assert.InRange(b.Users.Count, 1, EnterpriseRules.AuthBatch));
        Assert.Equal(users, batches.SelectMany(b => b.Users));
    }

    [Fact]
    public void More_than_5000_users_are_refused_as_too_large()
    {
        Assert.Null(EnterpriseRules.ValidateUsers(Users(5000), full: true));
        var error = EnterpriseRules.ValidateUsers(Users(5001), full: false);
        Assert.Equal(ErrorKind.TooLarge, error!.Kind);
        Assert.Equal(EnterpriseRules.TooManyUsers, error.Code);
    }

    [Fact]
    public void A_queued_call_keeps_no_body_and_is_sent_with_the_body_read_back_from_its_event()
    {
        var bound = EnterpriseRules.Apply(null, new EnterpriseBound(Binding, [EnterpriseRules.TenantSync(Binding, KitFlags.Add, Now)]));
        var sent = EnterpriseRules.Apply(bound, new KitCallDispatched(1, "call-1", "tenantSync", "{}"));
        var batches = EnterpriseRules.AuthSync(sent, Users(600), KitFlags.Add, Now);

        // While a call is under way, both batches wait; each queue entry names the event (audit entry) that holds its body.
        var decision = EnterpriseRules.WithDispatch(sent, batches.ToList<KitEvent>());
        Assert.Equal(2, decision.Events.Count);
        var waiting = decision.Events.Aggregate(sent, EnterpriseRules.Apply);
        Assert.Equal([new QueuedKitCall(2, "authSync", 3, 0), new QueuedKitCall(3, "authSync", 4, 0)], waiting.Queue);
        Assert.Equal(4, waiting.Events);

        // The call ends: the next one goes out with the body stored in audit entry 3 (the event's data as the runner stores it).
        var auditData = JsonSerializer.Serialize(batches[0], CoreJson.Compact);
        var head = EnterpriseRules.StoredRequest(waiting.Queue[0], auditData);
        Assert.Equal(batches[0].Request, head);
        var next = EnterpriseRules.WithDispatch(waiting, [new KitCallCompleted("call-1")], (2, head));
        var dispatched = Assert.IsType<KitCallDispatched>(next.Events[^1]);
        Assert.Equal((2, batches[0].Request.Body), (dispatched.Seq, dispatched.Body));

        // Without the body the call waits rather than going out empty.
        Assert.Single(EnterpriseRules.WithDispatch(waiting, [new KitCallCompleted("call-1")]).Events);
        Assert.Throws<InvalidDataException>(() => EnterpriseRules.StoredRequest(waiting.Queue[0] with { Index = 1 }, auditData));
    }
}
