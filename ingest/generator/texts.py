"""Text material for synthetic incidents and petitions, by incident category.

`{place}` is filled with a building (e.g. 幸福里3栋), `{compound}` with its compound,
`{when}` with a time phrase. Wording follows the style of real 12345 and message-board posts.
"""

from __future__ import annotations

WHEN = (
    "最近一周",
    "这几天",
    "每天晚上",
    "连续三天",
    "今天早上",
    "昨天夜里",
    "周末",
    "已经一个多月",
)

PETITIONS: dict[str, tuple[str, ...]] = {
    "fire": (
        "{place}楼道里电动车充电线乱拉，{when}都有人在楼道充电，存在很大火灾隐患，请相关部门尽快处理。",
        "{compound}消防通道被私家车长期占用，{when}消防车根本进不来，希望物业和城管管一管。",
        "{place}楼梯间堆满了纸箱和旧家具，消防栓也被挡住了，万一着火后果不堪设想。",
    ),
    "gas_leak": (
        "{place}单元里{when}总能闻到煤气味，不知道是哪家漏气，请燃气公司上门检查。",
        "反映{compound}燃气管道老化锈蚀严重，{when}闻到异味，担心发生燃气泄漏事故。",
    ),
    "power_outage": (
        "{compound}{when}频繁停电，家里有老人用制氧机，停电很危险，请供电部门给个说法。",
        "{place}{when}电压不稳，灯一闪一闪的，电器都烧坏了两个，希望尽快检修变压器。",
    ),
    "water_outage": (
        "{compound}{when}停水没有任何通知，老人孩子生活很不方便，请自来水公司提前告知。",
        "{place}高层水压太低，{when}楼上根本没有水，二次供水设备是不是坏了？",
    ),
    "flood": (
        "{compound}地势低，{when}一下雨地下车库和一楼就进水，请相关部门疏通排水管网。",
        "{place}门口的雨水井堵塞，{when}积水没过脚踝，居民出行困难。",
    ),
    "elevator_entrapment": (
        "{place}电梯{when}经常故障，今天又有老人被困在里面半个小时，请督促物业维修。",
        "{compound}的电梯使用快二十年了，{when}异响不断，希望尽快加装或更换电梯。",
    ),
    "building_safety": (
        "{place}外墙瓷砖{when}脱落，砸坏了楼下的车，太危险了，请尽快排查修复。",
        "{place}楼顶渗水，{when}墙面开裂，担心房屋安全，请住建部门来鉴定。",
    ),
    "public_security": (
        "{compound}门禁{when}坏了没人修，陌生人随便进出，居民很没有安全感。",
        "{compound}{when}发生多起电动车被盗，希望增加监控和巡逻。",
    ),
    "environment": (
        "{compound}旁边的小饭馆油烟直排，{when}熏得家里不能开窗，请环保部门处理。",
        "{compound}附近河道发黑发臭，{when}还有污水直排，请尽快整治。",
    ),
    "sanitation": (
        "{compound}垃圾分类投放点{when}没人清运，气味很大，蚊蝇滋生。",
        "{place}楼下的垃圾桶{when}满溢，希望物业增加清运次数。",
    ),
    "noise": (
        "{compound}附近工地{when}夜间施工，噪音扰民，严重影响休息，请查处。",
        "{place}楼下广场舞音响声音太大，{when}到晚上十点还在跳，影响老人孩子休息。",
    ),
    "traffic": (
        "{compound}门口路段{when}违停严重，早晚高峰堵得水泄不通，请交警加强管理。",
        "{compound}附近的红绿灯{when}坏了，路口很危险，请尽快修复。",
    ),
    "neighbour_dispute": (
        "{place}楼上住户{when}漏水到我家，协商多次无果，请社区帮忙调解。",
        "{place}邻居在公共走廊私自安装铁门占用公共区域，{when}协商不成，请社区处理。",
    ),
    "public_health": (
        "{compound}有流浪狗{when}在小区里咬人，请相关部门处理。",
        "{compound}二次供水水箱{when}没有清洗，水有异味，担心卫生问题。",
    ),
    "social_assistance": (
        "{place}有位独居老人{when}没人照顾，行动不便，希望社区能定期上门看望。",
        "我家是低保户，{when}补助还没有发放，想咨询一下什么时候能到账。",
    ),
    "property_service": (
        "{compound}物业{when}不作为，公共设施坏了没人修，物业费却年年涨。",
        "{compound}物业擅自把公共绿地改成停车位收费，{when}居民意见很大。",
    ),
}

INCIDENTS: dict[str, tuple[str, ...]] = {
    "fire": ("{place}楼道电动车充电起火，已初步扑灭", "{place}厨房油锅起火，烟感报警"),
    "gas_leak": ("{place}燃气报警器报警，疑似燃气泄漏", "{place}住户报告闻到燃气味"),
    "power_outage": ("{compound}片区停电，变压器故障", "{place}线路跳闸停电"),
    "water_outage": ("{compound}二次供水泵房故障停水", "{place}供水管爆裂停水"),
    "flood": ("{compound}暴雨后地下车库进水", "{place}一楼住户家中进水"),
    "elevator_entrapment": ("{place}电梯困人", "{place}电梯运行异常停梯"),
    "building_safety": ("{place}外墙脱落", "{place}楼板裂缝需鉴定"),
    "public_security": ("{compound}电动车被盗", "{compound}门禁损坏陌生人进出"),
    "environment": ("{compound}餐饮油烟扰民", "{compound}河道污水直排"),
    "sanitation": ("{compound}垃圾未及时清运", "{place}楼道堆物"),
    "noise": ("{compound}夜间施工噪音", "{compound}广场舞噪音"),
    "traffic": ("{compound}门口违停堵路", "{compound}路口信号灯故障"),
    "neighbour_dispute": ("{place}楼上漏水邻里纠纷", "{place}占用公共走廊纠纷"),
    "public_health": ("{compound}流浪犬伤人", "{compound}水箱卫生问题"),
    "social_assistance": ("{place}独居老人需要帮扶", "{place}困难家庭救助申请"),
    "property_service": ("{compound}物业服务投诉", "{compound}公共设施损坏未修"),
    "other": ("{compound}其他事项",),
}
