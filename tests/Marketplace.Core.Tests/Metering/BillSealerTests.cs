using Marketplace.Core.Metering;
using static Marketplace.Core.Tests.Metering.MeteringFixture;

namespace Marketplace.Core.Tests.Metering;

public class BillSealerTests
{
    private static readonly BillingInstance HourlyInstance = new("inst-1", Seller, "buyer-1", BillingGranularity.Hour);

    /// <summary>13:00–14:00 Shanghai on 2026-11-22.</summary>
    private static readonly BillingPeriod Hour13 = BillingPeriods.PeriodOf(Utc(2026, 11, 22, 5), BillingGranularity.Hour, Shanghai);

    private static readonly DateTimeOffset SealTime = Utc(2026, 11, 22, 6, 15);

    private static readonly UsageRecord A = Usage("a", Utc(2026, 11, 22, 4), value: 2m, relate: "pkg|1");
    private static readonly UsageRecord B = Usage("b", Utc(2026, 11, 22, 5), value: 1.5m);

    [Fact]
    public void Seals_the_records_of_the_period_into_a_bill()
    {
        var records = new[] { B, Usage("c", Utc(2026, 11, 22, 5, 30), value: 0.0001m) };

        var sealedBill = BillSealer.Seal(HourlyInstance, Hour13, records, [], Utc(2026, 11, 22, 5), SealTime);

        Assert.NotNull(sealedBill);
        var bill = sealedBill.Bill;
        Assert.Equal("bill-hour-20261122T0500Z-81bf91245ce284f94340671d", bill.BillId);
        Assert.Equal(("inst-1", Seller, "buyer-1"), (bill.InstanceId, bill.SellerId, bill.BuyerId));
        Assert.Equal(BillingGranularity.Hour, bill.Granularity);
        Assert.Equal((Utc(2026, 11, 22, 5), Utc(2026, 11, 22, 6), "2026-11-22T13"), (bill.PeriodStart, bill.PeriodEnd, bill.PeriodLabel));
        Assert.Equal(1.5001m, bill.UsageTotal);
        Assert.Equal("1.5001", bill.UsageTotal.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((2, 0), (bill.RecordCount, bill.LateRecordCount));
        Assert.Equal(SealTime, bill.SealedAt);
        Assert.Equal(64, bill.Sha256.Length);
        Assert.All(sealedBill.Records, r => Assert.False(r.Late));
    }

    [Fact]
    public void Usage_total_always_has_four_decimal_places()
    {
        var bill = BillSealer.Seal(HourlyInstance, Hour13, [Usage("x", Utc(2026, 11, 22, 5), value: 3m)], [], null, SealTime)!.Bill;

        Assert.Equal("3.0000", bill.UsageTotal.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Late_records_join_the_bill_flagged_and_counted()
    {
        var sealedBill = BillSealer.Seal(HourlyInstance, Hour13, [B], [A], Utc(2026, 11, 22, 5), SealTime)!;

        Assert.Equal((2, 1), (sealedBill.Bill.RecordCount, sealedBill.Bill.LateRecordCount));
        Assert.Equal(3.5m, sealedBill.Bill.UsageTotal);
        Assert.Equal([("a", true), ("b", false)], sealedBill.Records.Select(r => (r.Record.MeteringSn, r.Late)));
    }

    [Fact]
    public void Canonical_text_and_hash_match_the_documented_format()
    {
        var sealedBill = BillSealer.Seal(HourlyInstance, Hour13, [B], [A], null, SealTime)!;

        Assert.Equal(
            "inst-1|20261122T040000Z|20261122T043000Z|20261122T043000Z|2.0000|a|pkg%7C1|1\n" +
            "inst-1|20261122T050000Z|20261122T053000Z|20261122T053000Z|1.5000|b||0\n",
            BillSealer.CanonicalText(sealedBill.Records));
        // Computed independently: printf '<the two lines>' | sha256sum
        Assert.Equal("35ed6b4437af958ec58960e57bbfc5d32afb96102a679069ebd7c901b71f3700", sealedBill.Bill.Sha256);
    }

    [Fact]
    public void Hash_and_bill_do_not_depend_on_the_order_records_are_given_in()
    {
        var records = Enumerable.Range(0, 10).Select(i => Usage($"sn-{i}", Utc(2026, 11, 22, 5, i * 5), TimeSpan.FromMinutes(5), i + 1)).ToList();

        var forward = BillSealer.Seal(HourlyInstance, Hour13, records, [], null, SealTime)!;
        var backward = BillSealer.Seal(HourlyInstance, Hour13, Enumerable.Reverse(records), [], null, SealTime)!;

        Assert.Equal(forward.Bill, backward.Bill);
        Assert.Equal(forward.Records, backward.Records);
    }

    [Fact]
    public void Records_with_the_same_begin_are_ordered_by_end_then_metering_sn()
    {
        var longer = Usage("z", Utc(2026, 11, 22, 5), TimeSpan.FromMinutes(40));
        var shorter = Usage("y", Utc(2026, 11, 22, 5), TimeSpan.FromMinutes(20));
        var other = Usage("x", Utc(2026, 11, 22, 5), TimeSpan.FromMinutes(20), instance: "inst-1") with { EndUtc = Utc(2026, 11, 22, 5, 20), MeteringSn = "x" };

        var ordered = BillSealer.Canonical([new(longer, false), new(shorter, false), new(other, false)]);

        Assert.Equal(["x", "y", "z"], ordered.Select(r => r.Record.MeteringSn));
    }

    public static TheoryData<string, Func<UsageRecord, UsageRecord>> Mutations() => new()
    {
        { "value", r => r with { Value = r.Value + 0.0001m } },
        { "begin", r => r with { BeginUtc = r.BeginUtc.AddSeconds(1) } },
        { "end", r => r with { EndUtc = r.EndUtc.AddSeconds(1) } },
        { "record time", r => r with { RecordTimeUtc = r.RecordTimeUtc.AddSeconds(1) } },
        { "metering_sn", r => r with { MeteringSn = r.MeteringSn + "x" } },
        { "relate_pkg_instance", r => r with { RelatePkgInstance = "pkg-2" } },
    };

    [Theory]
    [MemberData(nameof(Mutations))]
    public void Hash_changes_when_any_field_of_any_record_changes(string field, Func<UsageRecord, UsageRecord> mutate)
    {
        var original = BillSealer.Seal(HourlyInstance, Hour13, [B, Usage("c", Utc(2026, 11, 22, 5, 30))], [], null, SealTime)!;
        var changed = BillSealer.Seal(HourlyInstance, Hour13, [mutate(B), Usage("c", Utc(2026, 11, 22, 5, 30))], [], null, SealTime)!;

        Assert.True(original.Bill.Sha256 != changed.Bill.Sha256, field);
    }

    [Fact]
    public void Hash_changes_with_the_late_flag_a_missing_or_an_extra_record_and_the_instance()
    {
        var baseline = BillSealer.Sha256Of([new(A, true), new(B, false)]);

        Assert.NotEqual(baseline, BillSealer.Sha256Of([new(A, false), new(B, false)]));
        Assert.NotEqual(baseline, BillSealer.Sha256Of([new(B, false)]));
        Assert.NotEqual(baseline, BillSealer.Sha256Of([new(A, true), new(B, false), new(Usage("c", Utc(2026, 11, 22, 5, 30)), false)]));
        Assert.NotEqual(baseline, BillSealer.Sha256Of([new(A with { InstanceId = "inst-2" }, true), new(B with { InstanceId = "inst-2" }, false)]));
        Assert.Equal(baseline, BillSealer.Sha256Of([new(B, false), new(A, true)]));
    }

    [Fact]
    public void Separators_inside_text_fields_cannot_fake_another_record()
    {
        var sneaky = B with { MeteringSn = "b|0\ninst-1|x" };

        Assert.DoesNotContain("\ninst-1|x", BillSealer.CanonicalText([new(sneaky, false)]), StringComparison.Ordinal);
        Assert.Single(BillSealer.CanonicalText([new(sneaky, false)]).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Sealing_an_already_sealed_period_yields_nothing()
    {
        Assert.Null(BillSealer.Seal(HourlyInstance, Hour13, [B], [], sealedThrough: Hour13.EndUtc, SealTime));
        Assert.Null(BillSealer.Seal(HourlyInstance, Hour13, [B], [], sealedThrough: Hour13.EndUtc.AddHours(5), SealTime.AddHours(5)));
    }

    [Fact]
    public void Nothing_to_seal_yields_no_bill()
    {
        Assert.Null(BillSealer.Seal(HourlyInstance, Hour13, [], [], null, SealTime));
    }

    [Fact]
    public void Sealing_is_deterministic()
    {
        Assert.Equal(
            BillSealer.Seal(HourlyInstance, Hour13, [B], [A], null, SealTime)!.Bill,
            BillSealer.Seal(HourlyInstance, Hour13, [B], [A], null, SealTime)!.Bill);
    }

    [Fact]
    public void A_record_given_twice_is_counted_once()
    {
        var bill = BillSealer.Seal(HourlyInstance, Hour13, [B, B], [], null, SealTime)!.Bill;

        Assert.Equal((1, 1.5m), (bill.RecordCount, bill.UsageTotal));
    }

    [Fact]
    public void Two_different_records_with_the_same_identity_are_refused()
    {
        Assert.Throws<ArgumentException>(() => BillSealer.Seal(HourlyInstance, Hour13, [B, B with { MeteringSn = "other" }], [], null, SealTime));
    }

    [Fact]
    public void Records_that_do_not_belong_are_refused()
    {
        Assert.Throws<ArgumentException>(() => BillSealer.Seal(HourlyInstance, Hour13, [B with { InstanceId = "inst-2" }], [], null, SealTime));
        Assert.Throws<ArgumentException>(() => BillSealer.Seal(HourlyInstance, Hour13, [A], [], null, SealTime));
        Assert.Throws<ArgumentException>(() => BillSealer.Seal(HourlyInstance, Hour13, [], [B], null, SealTime));
        Assert.Throws<ArgumentException>(() => BillSealer.Seal(HourlyInstance, Hour13, [Usage("n", Utc(2026, 11, 22, 6))], [], null, SealTime));
    }

    [Fact]
    public void Open_periods_and_other_granularities_are_refused()
    {
        Assert.Throws<ArgumentException>(() => BillSealer.Seal(HourlyInstance, Hour13, [B], [], null, Utc(2026, 11, 22, 5, 59)));
        var day = BillingPeriods.PeriodOf(Utc(2026, 11, 22, 5), BillingGranularity.Day, Shanghai);
        Assert.Throws<ArgumentException>(() => BillSealer.Seal(HourlyInstance, day, [B], [], null, Utc(2026, 11, 23, 0)));
    }

    [Fact]
    public void Bill_ids_are_deterministic_and_distinct_per_instance_granularity_and_period()
    {
        var id = BillSealer.BillId("inst-1", BillingGranularity.Day, Utc(2026, 11, 21, 16));

        Assert.Equal("bill-day-20261121T1600Z-81bf91245ce284f94340671d", id);
        Assert.Equal(id, BillSealer.BillId("inst-1", BillingGranularity.Day, new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.FromHours(8))));
        Assert.NotEqual(id, BillSealer.BillId("inst-2", BillingGranularity.Day, Utc(2026, 11, 21, 16)));
        Assert.NotEqual(id, BillSealer.BillId("inst-1", BillingGranularity.Hour, Utc(2026, 11, 21, 16)));
        Assert.NotEqual(id, BillSealer.BillId("inst-1", BillingGranularity.Day, Utc(2026, 11, 22, 16)));
        Assert.True(UsageKeys.IsValidKey(id));
        Assert.Matches("^[A-Za-z0-9-]+$", id);
    }
}
