using System.Text.Json;
using Marketplace.Core.Metering;
using static Marketplace.Core.Tests.Metering.MeteringFixture;

namespace Marketplace.Core.Tests.Metering;

public class UsageRecordValidatorTests
{
    // ---- accepted records ----

    [Fact]
    public void A_valid_record_is_accepted_and_normalized()
    {
        var raw = Record(sn: "sn-1", value: "12.5");
        raw["relate_pkg_instance"] = "pkg-9";

        var result = Validate(Request(raw));

        Assert.Empty(result.Abnormal);
        var record = Assert.Single(result.Accepted);
        Assert.Equal("inst-1", record.InstanceId);
        Assert.Equal(Utc(2026, 11, 22, 5), record.BeginUtc);
        Assert.Equal(Utc(2026, 11, 22, 6), record.EndUtc);
        Assert.Equal(Utc(2026, 11, 22, 6), record.RecordTimeUtc);
        Assert.Equal(TimeSpan.Zero, record.BeginUtc.Offset);
        Assert.Equal(12.5m, record.Value);
        Assert.Equal("sn-1", record.MeteringSn);
        Assert.Equal("pkg-9", record.RelatePkgInstance);
    }

    [Fact]
    public void Valid_records_are_accepted_even_when_others_in_the_push_are_not()
    {
        var result = Validate(Request(
            Record(sn: "a"),
            Record(sn: "b", instance: "missing"),
            Record(sn: "c", begin: "20261122T040000Z", end: "20261122T050000Z"),
            Record(sn: "d", value: "0")));

        Assert.Equal(["a", "c"], result.Accepted.Select(r => r.MeteringSn));
        Assert.Equal([("b", "001", 1), ("d", "003", 3)], result.Abnormal.Select(a => (a.MeteringSn, a.ErrorCode, a.Index)));
    }

    [Theory]
    [InlineData("1", "1")]
    [InlineData("0.0001", "0.0001")]
    [InlineData("99.1234", "99.1234")]
    [InlineData("1.23450", "1.2345")]
    [InlineData("1e2", "100")]
    [InlineData("12345678901234567890", "12345678901234567890")]
    public void Usage_values_accepted_as_strings(string value, string expected)
    {
        var record = Assert.Single(Validate(Request(Record(value: value))).Accepted);

        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), record.Value);
    }

    [Fact]
    public void Usage_value_as_a_JSON_number_is_accepted_exactly()
    {
        var request = UsagePushRequest.Parse(Body(Record()).Replace("\"99\"", "0.1", StringComparison.Ordinal), Options()).Request!;

        Assert.Equal(0.1m, Assert.Single(Validate(request).Accepted).Value);
    }

    // ---- 001 instance does not exist ----

    [Fact]
    public void Code_001_unknown_instance()
    {
        var abnormal = AbnormalOf(Record(sn: "sn-x", instance: "no-such-instance"));

        Assert.Equal("001", abnormal.ErrorCode);
        Assert.Equal("sn-x", abnormal.MeteringSn);
        Assert.Equal("The instance 'no-such-instance' does not exist.", abnormal.ErrorMsg);
    }

    [Fact]
    public void Code_001_missing_or_empty_instance_id()
    {
        Assert.Equal("001", CodeOf(Record(instance: null)));
        Assert.Equal("001", CodeOf(Record(instance: "")));
        Assert.Contains("instance_id is missing", AbnormalOf(Record(instance: null)).ErrorMsg, StringComparison.Ordinal);
    }

    [Fact]
    public void Code_001_instance_id_longer_than_64()
    {
        Assert.Equal("001", CodeOf(Record(instance: new string('i', 65))));
    }

    [Fact]
    public void Code_001_instance_id_of_the_wrong_type()
    {
        var raw = Record();
        raw["instance_id"] = new[] { "inst-1" };

        Assert.Equal("instance_id must be a string.", AbnormalOf(raw).ErrorMsg);
    }

    [Fact]
    public void Code_001_relate_pkg_instance_longer_than_64_or_not_text()
    {
        var tooLong = Record();
        tooLong["relate_pkg_instance"] = new string('p', 65);
        var wrongType = Record();
        wrongType["relate_pkg_instance"] = true;

        Assert.Equal("001", CodeOf(tooLong));
        Assert.Equal("001", CodeOf(wrongType));
        Assert.Contains("relate_pkg_instance", AbnormalOf(tooLong).ErrorMsg, StringComparison.Ordinal);
    }

    // ---- 002 time format ----

    [Theory]
    [InlineData("2026-11-22T05:00:00Z")]
    [InlineData("20261122T050000")]
    [InlineData("20261122T050000Z ")]
    [InlineData("20261122T0500000Z")]
    [InlineData("20261122T050000.000Z")]
    [InlineData("20261122 050000Z")]
    [InlineData("20261122t050000Z")]
    [InlineData("20261122T050000z")]
    [InlineData("20261322T050000Z")]
    [InlineData("20260230T050000Z")]
    [InlineData("20261122T240000Z")]
    [InlineData("20261122T056000Z")]
    [InlineData("2026112２T050000Z")]
    [InlineData("+0261122T050000Z")]
    [InlineData("1732251600000")]
    [InlineData("")]
    public void Code_002_begin_time_not_in_the_17_character_format(string begin)
    {
        var abnormal = AbnormalOf(Record(begin: begin));

        Assert.Equal("002", abnormal.ErrorCode);
        Assert.Contains("begin_time", abnormal.ErrorMsg, StringComparison.Ordinal);
        Assert.Contains("yyyyMMddTHHmmssZ", abnormal.ErrorMsg, StringComparison.Ordinal);
    }

    [Fact]
    public void Code_002_the_format_has_16_characters_as_in_the_KooGallery_example()
    {
        Assert.Equal(16, UsageTime.Length);
        Assert.Equal(16, "20220809T080000Z".Length);
        Assert.Null(CodeOf(Record(begin: "20261122T050000Z")));
    }

    [Fact]
    public void Code_002_leap_day_is_a_real_date_but_not_in_a_common_year()
    {
        Assert.True(UsageTime.TryParse("20280229T000000Z", out _));
        Assert.False(UsageTime.TryParse("20270229T000000Z", out _));
        Assert.Equal("002", CodeOf(Record(begin: "20260229T050000Z")));
    }

    [Fact]
    public void Code_002_each_time_field_is_named()
    {
        Assert.StartsWith("end_time", AbnormalOf(Record(end: "x")).ErrorMsg, StringComparison.Ordinal);
        Assert.StartsWith("record_time", AbnormalOf(Record(recordTime: "x")).ErrorMsg, StringComparison.Ordinal);
        Assert.StartsWith("record_time is missing", AbnormalOf(Record(recordTime: null)).ErrorMsg, StringComparison.Ordinal);
        Assert.StartsWith("end_time is missing", AbnormalOf(Record(end: null)).ErrorMsg, StringComparison.Ordinal);
    }

    [Fact]
    public void Code_002_time_as_a_number_or_object()
    {
        var number = Record();
        number["begin_time"] = 20261122050000;
        var obj = Record();
        obj["end_time"] = new { t = 1 };

        Assert.Equal("002", CodeOf(number));
        Assert.Equal("end_time must be a string in the format yyyyMMddTHHmmssZ (UTC), e.g. 20220809T080000Z.", AbnormalOf(obj).ErrorMsg);
    }

    // ---- 003 usage value ----

    [Theory]
    [InlineData("0")]
    [InlineData("0.0000")]
    [InlineData("-1")]
    [InlineData("-0.5")]
    public void Code_003_usage_value_not_greater_than_zero(string value)
    {
        var abnormal = AbnormalOf(Record(value: value));

        Assert.Equal("003", abnormal.ErrorCode);
        Assert.EndsWith("must be greater than 0.", abnormal.ErrorMsg, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1,5")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("0x10")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e40")]
    [InlineData("")]
    public void Code_003_usage_value_not_a_number(string value)
    {
        Assert.Equal("003", CodeOf(Record(value: value)));
    }

    [Theory]
    [InlineData("1.23456")]
    [InlineData("0.00001")]
    [InlineData("1e-5")]
    public void Code_003_usage_value_with_more_than_4_decimal_places(string value)
    {
        var abnormal = AbnormalOf(Record(value: value));

        Assert.Equal("003", abnormal.ErrorCode);
        Assert.Equal($"usage_value {value} has more than 4 decimal places; round it to at most 4.", abnormal.ErrorMsg);
    }

    [Fact]
    public void Code_003_usage_value_with_more_than_4_decimal_places_as_a_JSON_number()
    {
        var request = UsagePushRequest.Parse(Body(Record()).Replace("\"99\"", "1.00001", StringComparison.Ordinal), Options()).Request!;

        var abnormal = Assert.Single(Validate(request).Abnormal);

        Assert.Equal("003", abnormal.ErrorCode);
        Assert.Contains("more than 4 decimal places", abnormal.ErrorMsg, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1e20")]
    [InlineData("7.9e28")]
    public void Code_003_usage_value_of_more_than_20_digits_written_with_an_exponent(string value)
    {
        // Two records of 7.9e28 would overflow a bill's decimal total and break the bill run.
        var abnormal = AbnormalOf(Record(value: value));

        Assert.Equal("003", abnormal.ErrorCode);
        Assert.Equal($"usage_value {value} is too large; at most 20 digits before the decimal point.", abnormal.ErrorMsg);
        Assert.Null(CodeOf(Record(value: "9.9e19")));
    }

    [Fact]
    public void Code_003_usage_value_longer_than_20_characters()
    {
        var abnormal = AbnormalOf(Record(value: "123456789012345678901"));

        Assert.Equal("003", abnormal.ErrorCode);
        Assert.Contains("at most 20", abnormal.ErrorMsg, StringComparison.Ordinal);
    }

    [Fact]
    public void Code_003_usage_value_missing_or_of_the_wrong_type()
    {
        var missing = Record();
        missing.Remove("usage_value");
        var boolean = Record();
        boolean["usage_value"] = true;

        Assert.Equal("usage_value is missing; send the amount used, greater than 0.", AbnormalOf(missing).ErrorMsg);
        Assert.Equal("usage_value must be a number or a string holding a number.", AbnormalOf(boolean).ErrorMsg);
    }

    // ---- 004 metering_sn ----

    [Fact]
    public void Code_004_missing_metering_sn()
    {
        var missing = Record();
        missing.Remove("metering_sn");

        var abnormal = AbnormalOf(missing);

        Assert.Equal("004", abnormal.ErrorCode);
        Assert.Null(abnormal.MeteringSn);
        Assert.Equal(0, abnormal.Index);
    }

    [Fact]
    public void Code_004_empty_or_non_text_metering_sn()
    {
        var obj = Record();
        obj["metering_sn"] = new { a = 1 };

        Assert.Equal("004", CodeOf(Record(sn: "")));
        Assert.Equal("004", CodeOf(obj));
    }

    [Fact]
    public void Code_004_metering_sn_longer_than_64()
    {
        Assert.Equal("004", CodeOf(Record(sn: new string('s', 65))));
        Assert.Null(CodeOf(Record(sn: new string('s', 64))));
    }

    [Theory]
    [InlineData("sn\u0000")]
    [InlineData("sn\u202e1")]
    [InlineData("sn\u200b")]
    [InlineData("sn\r\n")]
    public void Code_004_metering_sn_with_control_or_formatting_characters(string sn)
    {
        Assert.Equal("004", CodeOf(Record(sn: sn)));
        Assert.Null(CodeOf(Record(sn: "../sn-with-punctuation_1.2~x")));
    }

    // ---- 005 duplicate metering_sn ----

    [Fact]
    public void Code_005_metering_sn_repeated_in_the_same_push_first_wins()
    {
        var result = Validate(Request(
            Record(sn: "same", value: "1"),
            Record(sn: "same", begin: "20261122T040000Z", end: "20261122T050000Z", value: "2")));

        var accepted = Assert.Single(result.Accepted);
        Assert.Equal(1m, accepted.Value);
        var abnormal = Assert.Single(result.Abnormal);
        Assert.Equal(("same", "005", 1), (abnormal.MeteringSn, abnormal.ErrorCode, abnormal.Index));
        Assert.Contains("earlier record of this request", abnormal.ErrorMsg, StringComparison.Ordinal);
    }

    [Fact]
    public void Code_005_metering_sn_accepted_in_an_earlier_push()
    {
        var facts = Facts(acceptedSns: [(Seller, "old-sn")]);

        var abnormal = AbnormalOf(Record(sn: "old-sn", begin: "20261122T040000Z", end: "20261122T050000Z"), facts);

        Assert.Equal("005", abnormal.ErrorCode);
        Assert.Contains("earlier request", abnormal.ErrorMsg, StringComparison.Ordinal);
    }

    [Fact]
    public void Code_005_metering_sns_are_unique_per_seller_not_across_sellers()
    {
        var facts = Facts(acceptedSns: [(OtherSeller, "shared-sn")]);

        Assert.Null(CodeOf(Record(sn: "shared-sn"), facts));
    }

    [Fact]
    public void Code_005_only_an_accepted_record_claims_its_metering_sn()
    {
        var result = Validate(Request(Record(sn: "x", value: "0"), Record(sn: "x", value: "5")));

        Assert.Equal("003", Assert.Single(result.Abnormal).ErrorCode);
        Assert.Equal(5m, Assert.Single(result.Accepted).Value);
    }

    [Fact]
    public void Code_005_metering_sn_comparison_is_case_sensitive()
    {
        var result = Validate(Request(Record(sn: "abc"), Record(sn: "ABC", begin: "20261122T040000Z", end: "20261122T050000Z")));

        Assert.Equal(2, result.Accepted.Count);
    }

    // ---- 006 product delisted ----

    [Fact]
    public void Code_006_product_delisted()
    {
        var abnormal = AbnormalOf(Record(instance: "inst-delisted"));

        Assert.Equal("006", abnormal.ErrorCode);
        Assert.Equal("The product of instance 'inst-delisted' is delisted; its usage is no longer accepted.", abnormal.ErrorMsg);
    }

    // ---- 007 record too old ----

    [Fact]
    public void Code_007_begin_time_more_than_21_days_ago()
    {
        var begin = Now.AddDays(-21).AddSeconds(-1);

        var abnormal = AbnormalOf(Record(begin: UsageTime.ToText(begin), end: UsageTime.ToText(begin.AddHours(1))));

        Assert.Equal("007", abnormal.ErrorCode);
        Assert.Contains("more than 21 days before now", abnormal.ErrorMsg, StringComparison.Ordinal);
    }

    [Fact]
    public void Code_007_begin_time_exactly_21_days_ago_is_accepted()
    {
        var begin = Now.AddDays(-21);

        Assert.Null(CodeOf(Record(begin: UsageTime.ToText(begin), end: UsageTime.ToText(begin.AddHours(1)))));
    }

    [Fact]
    public void Code_007_age_limit_is_configurable()
    {
        var options = Options();
        options.MaxRecordAge = TimeSpan.FromDays(1);

        var result = UsageRecordValidator.Validate(Request(Record(begin: "20261121T050000Z")), Seller, Facts(), Now, options);

        var abnormal = Assert.Single(result.Abnormal);
        Assert.Equal("007", abnormal.ErrorCode);
        Assert.Contains("more than 1 day before now", abnormal.ErrorMsg, StringComparison.Ordinal);
    }

    // ---- 009 another seller's instance ----

    [Fact]
    public void Code_009_instance_of_another_seller()
    {
        var abnormal = AbnormalOf(Record(instance: "inst-other"));

        Assert.Equal("009", abnormal.ErrorCode);
        Assert.Equal("The instance 'inst-other' does not belong to the seller who signed this request.", abnormal.ErrorMsg);
    }

    // ---- 010 duplicate record ----

    [Fact]
    public void Code_010_same_instance_begin_and_end_in_the_same_push_first_wins()
    {
        var result = Validate(Request(Record(sn: "first", value: "1"), Record(sn: "second", value: "2")));

        Assert.Equal("first", Assert.Single(result.Accepted).MeteringSn);
        var abnormal = Assert.Single(result.Abnormal);
        Assert.Equal(("second", "010"), (abnormal.MeteringSn, abnormal.ErrorCode));
        Assert.Contains("earlier record of this request", abnormal.ErrorMsg, StringComparison.Ordinal);
    }

    [Fact]
    public void Code_010_same_instance_begin_and_end_as_a_record_accepted_before()
    {
        var facts = Facts(acceptedRecords: [new UsageRecordIdentity("inst-1", Utc(2026, 11, 22, 5), Utc(2026, 11, 22, 6))]);

        var abnormal = AbnormalOf(Record(sn: "new-sn"), facts);

        Assert.Equal("010", abnormal.ErrorCode);
        Assert.Contains("already accepted", abnormal.ErrorMsg, StringComparison.Ordinal);
    }

    [Fact]
    public void Code_010_needs_all_three_of_instance_begin_and_end()
    {
        var result = Validate(Request(
            Record(sn: "a"),
            Record(sn: "b", instance: "inst-2"),
            Record(sn: "c", end: "20261122T053000Z"),
            Record(sn: "d", begin: "20261122T043000Z")));

        Assert.Empty(result.Abnormal);
        Assert.Equal(4, result.Accepted.Count);
    }

    [Fact]
    public void Code_010_across_calls_the_second_call_changes_nothing()
    {
        var first = Validate(Request(Record(sn: "a"), Record(sn: "b", begin: "20261122T040000Z", end: "20261122T050000Z")));
        var facts = Facts(
            acceptedSns: first.Accepted.Select(r => (Seller, r.MeteringSn)),
            acceptedRecords: first.Accepted.Select(r => r.Identity));

        var retry = Validate(Request(Record(sn: "a"), Record(sn: "b2", begin: "20261122T040000Z", end: "20261122T050000Z")), facts);

        Assert.Empty(retry.Accepted);
        Assert.Equal(["005", "010"], retry.Abnormal.Select(a => a.ErrorCode));
        Assert.All(retry.Abnormal, a => Assert.True(UsageErrorCodes.IsDuplicate(a.ErrorCode)));
    }

    // ---- 011 invalid time range ----

    [Fact]
    public void Code_011_end_equal_to_begin()
    {
        var abnormal = AbnormalOf(Record(begin: "20261122T050000Z", end: "20261122T050000Z"));

        Assert.Equal("011", abnormal.ErrorCode);
        Assert.Equal("end_time 20261122T050000Z must be later than begin_time 20261122T050000Z.", abnormal.ErrorMsg);
    }

    [Fact]
    public void Code_011_end_before_begin()
    {
        Assert.Equal("011", CodeOf(Record(begin: "20261122T050000Z", end: "20261122T045959Z")));
    }

    [Fact]
    public void Code_011_end_time_in_the_future_beyond_the_tolerance()
    {
        // now is 06:00:00Z; tolerance 5 minutes.
        Assert.Null(CodeOf(Record(end: "20261122T060500Z", recordTime: "20261122T060500Z")));
        var abnormal = AbnormalOf(Record(end: "20261122T060501Z", recordTime: "20261122T060000Z"));

        Assert.Equal("011", abnormal.ErrorCode);
        Assert.StartsWith("end_time 20261122T060501Z is in the future", abnormal.ErrorMsg, StringComparison.Ordinal);
    }

    [Fact]
    public void Code_011_begin_time_in_the_future()
    {
        var abnormal = AbnormalOf(Record(begin: "20261122T070000Z", end: "20261122T080000Z"));

        Assert.Equal("011", abnormal.ErrorCode);
        Assert.StartsWith("begin_time", abnormal.ErrorMsg, StringComparison.Ordinal);
    }

    [Fact]
    public void Code_011_record_time_in_the_future()
    {
        var abnormal = AbnormalOf(Record(recordTime: "20261122T140000Z"));

        Assert.Equal("011", abnormal.ErrorCode);
        Assert.Contains("record_time", abnormal.ErrorMsg, StringComparison.Ordinal);
        Assert.Contains("not Beijing time", abnormal.ErrorMsg, StringComparison.Ordinal);
    }

    [Fact]
    public void Code_011_usage_sent_in_Beijing_time_by_mistake_lies_in_the_future()
    {
        // 13:00–14:00 Beijing written as if it were UTC is 8 hours ahead.
        Assert.Equal("011", CodeOf(Record(begin: "20261122T130000Z", end: "20261122T140000Z", recordTime: "20261122T140000Z")));
    }

    // ---- 012 not on demand ----

    [Fact]
    public void Code_012_instance_not_on_demand()
    {
        var abnormal = AbnormalOf(Record(instance: "inst-period"));

        Assert.Equal("012", abnormal.ErrorCode);
        Assert.Contains("not billed on demand", abnormal.ErrorMsg, StringComparison.Ordinal);
    }

    // ---- 013 abnormal instance status ----

    [Theory]
    [InlineData("inst-creating", "still being created")]
    [InlineData("inst-failed", "failed to be created")]
    [InlineData("inst-frozen-unknown", "is frozen")]
    public void Code_013_instance_creating_failed_or_frozen(string instance, string message)
    {
        var abnormal = AbnormalOf(Record(instance: instance));

        Assert.Equal("013", abnormal.ErrorCode);
        Assert.Contains(message, abnormal.ErrorMsg, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("inst-frozen")]
    [InlineData("inst-released")]
    public void Code_013_usage_ending_after_freeze_or_release_is_rejected_usage_before_it_is_accepted(string instance)
    {
        // Frozen/released at 03:00Z.
        Assert.Null(CodeOf(Record(instance: instance, begin: "20261122T020000Z", end: "20261122T030000Z")));
        var abnormal = AbnormalOf(Record(instance: instance, begin: "20261122T020000Z", end: "20261122T030001Z"));

        Assert.Equal("013", abnormal.ErrorCode);
        Assert.Contains("since 20261122T030000Z", abnormal.ErrorMsg, StringComparison.Ordinal);
    }

    // ---- order of the rules ----

    [Fact]
    public void The_check_order_is_the_numeric_order_of_the_codes()
    {
        Assert.Equal(["001", "002", "003", "004", "005", "006", "007", "009", "010", "011", "012", "013"], UsageErrorCodes.CheckOrder);
    }

    [Theory]
    [MemberData(nameof(RecordsBreakingTwoRules))]
    public void A_record_breaking_several_rules_reports_the_first_in_check_order(string expected, Dictionary<string, object?> record)
    {
        var facts = Facts(
            acceptedSns: [(Seller, "taken")],
            acceptedRecords: [new UsageRecordIdentity("inst-other", Utc(2026, 11, 22, 5), Utc(2026, 11, 22, 6)), new UsageRecordIdentity("inst-period", Utc(2026, 11, 22, 5), Utc(2026, 11, 22, 6))]);

        Assert.Equal(expected, CodeOf(record, facts));
    }

    public static TheoryData<string, Dictionary<string, object?>> RecordsBreakingTwoRules() => new()
    {
        { "001", Record(instance: "missing", begin: "bad") },
        { "002", Record(begin: "bad", value: "0") },
        { "003", Record(value: "0", sn: "") },
        { "004", WithoutSn(Record(instance: "inst-delisted")) },
        { "005", Record(sn: "taken", instance: "inst-delisted") },
        { "006", Record(instance: "inst-delisted", begin: "20261001T000000Z", end: "20261001T010000Z") },
        { "007", Record(instance: "inst-other", begin: "20261001T000000Z", end: "20261001T010000Z") },
        { "009", Record(instance: "inst-other") }, // also a 010 against the other seller's record: not revealed
        { "010", Record(instance: "inst-period") },
        { "011", Record(instance: "inst-period", end: "20261122T040000Z") },
        { "012", Record(instance: "inst-period-failed") },
    };

    private static Dictionary<string, object?> WithoutSn(Dictionary<string, object?> record)
    {
        record.Remove("metering_sn");
        return record;
    }

    // ---- messages and response ----

    [Fact]
    public void Every_error_message_is_a_sentence()
    {
        var result = Validate(Request(
            Record(sn: "1", instance: "missing"), Record(sn: "2", begin: "x"), Record(sn: "3", value: "1.00001"), Record(sn: ""),
            Record(sn: "5", instance: "inst-delisted"), Record(sn: "6", begin: "20261001T000000Z"), Record(sn: "7", instance: "inst-other"),
            Record(sn: "8"), Record(sn: "9"), Record(sn: "10", end: "20261122T040000Z"), Record(sn: "11", instance: "inst-period"),
            Record(sn: "12", instance: "inst-failed")));

        Assert.Equal(11, result.Abnormal.Count);
        Assert.All(result.Abnormal, a =>
        {
            Assert.True(char.IsUpper(a.ErrorMsg[0]) || a.ErrorMsg.Contains('_', StringComparison.Ordinal), a.ErrorMsg);
            Assert.EndsWith(".", a.ErrorMsg, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Response_body_uses_KooGallery_field_names()
    {
        var result = Validate(Request(Record(sn: "ok"), Record(sn: "bad", instance: "missing")));

        var json = JsonSerializer.Serialize(UsagePushResponse.From(result));

        Assert.Equal(
            """{"accepted_count":1,"abnormal_usage_data":[{"metering_sn":"bad","error_code":"001","error_msg":"The instance \u0027missing\u0027 does not exist.","record_index":1}]}""",
            json);
    }

    [Fact]
    public void Validation_is_deterministic()
    {
        var request = Request(Record(sn: "a"), Record(sn: "a"), Record(sn: "b", instance: "missing"));

        Assert.Equal(
            JsonSerializer.Serialize(UsagePushResponse.From(Validate(request))),
            JsonSerializer.Serialize(UsagePushResponse.From(Validate(request))));
    }
}
