# events.awk: write n made-up events, for the benchmarks (bench/run.sh):
# as iCalendar to the file ics (what `mabdesk import events` reads) and
# the same rows as CSV to the file csv (uid, title, start, end, rrule:
# the baseline's plain table).  One in ten repeats weekly ten times, one
# in fifty every year; titles in both scripts.  The same n gives the same
# files (a fixed pseudo-random sequence).
#
#   awk -v n=50000 -v ics=events.ics -v csv=events.csv -f events.awk
function rnd(k) {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return int(seed / 65536) % k
}
BEGIN {
    seed = 42
    split("Budget workshop,Waste management training,Mayors' meeting,Tax advocacy,Town planning", en, ",")
    split("বাজেট কর্মশালা,বর্জ্য ব্যবস্থাপনা প্রশিক্ষণ,মেয়রদের সভা,কর অ্যাডভোকেসি,নগর পরিকল্পনা", bn, ",")
    printf "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//mabdesk bench//EN\r\n" > ics
    print "uid,title,start,end,rrule" > csv
    for (i = 1; i <= n; i++) {
        t = 1 + rnd(5)
        y = 2026 + rnd(2)
        m = 1 + rnd(12)
        d = 1 + rnd(28)
        h = 8 + rnd(9)
        start = sprintf("%04d%02d%02dT%02d0000", y, m, d, h)
        end = sprintf("%04d%02d%02dT%02d3000", y, m, d, h + 1)
        rule = i % 10 == 0 ? "FREQ=WEEKLY;COUNT=10" : i % 50 == 1 ? "FREQ=YEARLY" : ""
        printf "BEGIN:VEVENT\r\nUID:bench-%d@mabdesk\r\nDTSTAMP:20261130T000000Z\r\n", i > ics
        printf "DTSTART;TZID=Asia/Dhaka:%s\r\nDTEND;TZID=Asia/Dhaka:%s\r\n", start, end > ics
        printf "SUMMARY:%s %d\r\nX-MABDESK-SUMMARY-BN:%s %d\r\n", en[t], i, bn[t], i > ics
        printf "LOCATION:Pourashava hall %d\r\nCATEGORIES:Workshop\r\n", rnd(300) > ics
        if (rule != "")
            printf "RRULE:%s\r\n", rule > ics
        printf "END:VEVENT\r\n" > ics
        printf "bench-%d@mabdesk,\"%s %d\",%s,%s,%s\n", i, en[t], i, start, end, rule > csv
    }
    printf "END:VCALENDAR\r\n" > ics
}
