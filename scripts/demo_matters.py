# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The catalogue of matters of the Wengyuan demo hall

The licences and public services the departments of the work plan handle:
the fifteen departments of the first batch of the comprehensive window,
which delegate the acceptance of their matters to the center, and the
departments of the dedicated windows (police, power supply, industry and
commerce, national and local tax, land, justice, environment).  Each matter
has its acceptance checklist, the data dictionary of its form, its
back-office steps and its service guide.  The catalogue is published on the
day the comprehensive window opened (1 November 2017); a few matters have
been adjusted or cancelled since, by the documents that ordered it.  Every
department authorizes its window team leader, and the guides keep a small
knowledge base.

Everything is looked up before it is created: loading twice changes
nothing."""
import datetime as dt
from decimal import Decimal

from proteus import Model, Wizard

from trytond.modules.onewindow_matters.matter import MATTER_TYPE_PREFIXES

OPENING = dt.date(2017, 11, 1)
SHAOGUAN_HR = "韶关市人力资源和社会保障局"

# The number of each department in the main item codes
DEPARTMENT_NUMBERS = {
    'AJ': 1, 'CZ': 2, 'MZ': 3, 'QX': 4, 'WGX': 5, 'DA': 6, 'TY': 7, 'LY': 8,
    'JY': 9, 'WJ': 10, 'RS': 11, 'JT': 12, 'CL': 13, 'RF': 14, 'JR': 15,
    'GA': 16, 'GD': 17, 'GS': 18, 'GSJ': 19, 'DS': 20, 'GT': 21, 'SF': 22,
    'HB': 23,
    }
DEDICATED = ['GA', 'GD', 'GS', 'GSJ', 'DS', 'GT', 'SF', 'HB']

ID = "居民身份证*"
HOUSEHOLD = "户口簿*"
LICENCE = "营业执照*"
LEGAL_ID = "法定代表人居民身份证*"
AGENT = "委托书及受托人居民身份证|委托他人办理的"


def matter(name, matter_type, handling, promised, statutory, materials,
        **values):
    return dict(values, name=name, matter_type=matter_type,
        handling=handling,
        promised_limit=promised, statutory_limit=statutory,
        materials=materials)


# The matters of each department; their codes follow the order
CATALOGUE = {
    'AJ': [
        matter("危险化学品经营许可证核发（不带储存设施）", 'licence',
            'promised', 15, 20,
            ["危险化学品经营许可证申请书", LICENCE, LEGAL_ID,
                "经营场所产权证明或租赁合同*",
                "主要负责人和安全管理人员安全资格证书*",
                "安全生产管理制度和岗位操作规程~"],
            applicant_kind='legal', special_procedures=['site_survey'],
            result_kind='licence', result_name="危险化学品经营许可证",
            result_validity="3年",
            legal_basis="《危险化学品安全管理条例》第三十三条、第三十五条\n"
            "《危险化学品经营许可证管理办法》",
            conditions="一、经营场所和储存设施符合国家标准、行业标准；\n"
            "二、从业人员经过专业技术培训并经考核合格；\n"
            "三、有健全的安全管理规章制度；\n"
            "四、有专职安全管理人员。"),
        matter("烟花爆竹经营（零售）许可证核发", 'licence', 'promised', 10,
            20,
            ["烟花爆竹经营（零售）许可证申请书", LICENCE, LEGAL_ID,
                "零售场所平面图和周边环境示意图",
                "安全管理人员培训合格证明*"],
            applicant_kind='both', special_procedures=['site_survey'],
            result_kind='licence', result_name="烟花爆竹经营（零售）许可证",
            result_validity="2年",
            legal_basis="《烟花爆竹安全管理条例》第十九条",
            conditions="零售经营场所符合安全要求，主要负责人经过安全知识教育。"),
        matter("生产经营单位生产安全事故应急预案备案", 'other', 'same_day',
            0, None,
            ["生产安全事故应急预案备案申报表", "应急预案评审意见",
                "应急预案电子文档@C"],
            applicant_kind='legal', result_kind='filing',
            result_name="生产经营单位生产安全事故应急预案备案登记表",
            legal_basis="《生产安全事故应急预案管理办法》第二十六条"),
        ],
    'CZ': [
        matter("代理记账机构设立审批", 'licence', 'promised', 10, 20,
            ["代理记账资格申请表", LICENCE, "主管代理记账业务负责人身份证明*",
                "专职从业人员会计专业技术资格证明*",
                "办公场所使用权证明", "代理记账业务内部规范~"],
            applicant_kind='legal', result_kind='licence',
            result_name="代理记账许可证书",
            legal_basis="《中华人民共和国会计法》第三十六条\n"
            "《代理记账管理办法》第三条",
            conditions="一、为依法设立的企业；\n"
            "二、专职从业人员不少于3名；\n"
            "三、主管代理记账业务的负责人具有会计师以上专业技术职务资格；\n"
            "四、有健全的代理记账业务内部规范。"),
        matter("行政事业单位国有资产处置审批", 'other', 'promised', 10, None,
            ["国有资产处置申请文件", "拟处置资产清单",
                "资产价值凭证及产权证明*", "资产评估报告|需要评估的"],
            applicant_kind='legal', result_kind='approval',
            result_name="国有资产处置批复",
            legal_basis="《行政事业性国有资产管理条例》"),
        matter("财政票据领购", 'public_service', 'same_day', 0, None,
            ["财政票据领购证*", "经办人居民身份证*", "上次领用票据使用情况"],
            applicant_kind='legal', result_kind='other',
            result_name="财政票据",
            legal_basis="《财政票据管理办法》第二十条"),
        matter("政府采购供应商投诉处理", 'adjudication', 'promised', 20, 20,
            ["投诉书", "投诉人身份证明*", "质疑和质疑答复情况说明",
                "相关证明材料?"],
            applicant_kind='both', result_kind='approval',
            result_name="投诉处理决定书",
            legal_basis="《中华人民共和国政府采购法》第五十六条"),
        ],
    'MZ': [
        matter("社会团体成立登记", 'licence', 'promised', 15, 20,
            ["社会团体成立登记申请书", "业务主管单位批准文件*",
                "验资报告或场所使用权证明", "章程草案",
                "拟任负责人基本情况和身份证明*"],
            applicant_kind='legal', special_procedures=['public_notice'],
            result_kind='certificate', result_name="社会团体法人登记证书",
            legal_basis="《社会团体登记管理条例》第九条、第十一条",
            conditions="一、有50个以上的个人会员或者30个以上的单位会员；\n"
            "二、有规范的名称和相应的组织机构；\n"
            "三、有固定的住所；\n"
            "四、有与其业务活动相适应的专职工作人员；\n"
            "五、有合法的资产和经费来源；\n"
            "六、有独立承担民事责任的能力。",
            form_fields=[('organisation_kind', "社会团体类别", 'selection',
                    True, "academic:学术性\ntrade:行业性\n"
                    "professional:专业性\nunion:联合性")]),
        matter("民办非企业单位成立登记", 'licence', 'promised', 15, 20,
            ["民办非企业单位成立登记申请书", "业务主管单位批准文件*",
                "场所使用权证明", "验资报告", "章程草案",
                "拟任负责人基本情况和身份证明*"],
            applicant_kind='legal', result_kind='certificate',
            result_name="民办非企业单位登记证书",
            legal_basis="《民办非企业单位登记管理暂行条例》第九条"),
        matter("内地居民婚姻登记", 'confirmation', 'same_day', 0, None,
            ["双方居民身份证*", "双方户口簿*", "本人无配偶以及与对方当事人"
                "没有直系血亲和三代以内旁系血亲关系的签字声明",
                "近期2寸半身免冠合影照片3张"],
            applicant_kind='natural', result_kind='certificate',
            result_name="结婚证", delivery_methods=['window'],
            legal_basis="《婚姻登记条例》第四条、第五条",
            conditions="男女双方须亲自到场，男年满22周岁，女年满20周岁。",
            form_fields=[('registration_kind', "登记类别", 'selection', True,
                    "marriage:结婚登记\ndivorce:离婚登记\n"
                    "reissue:补领婚姻登记证")]),
        matter("最低生活保障审批", 'payment', 'promised', 15, 20,
            ["最低生活保障申请书", ID, HOUSEHOLD,
                "家庭收入和财产状况声明", "家庭成员收入证明",
                "残疾证或病历证明|家庭成员患重病或残疾的"],
            applicant_kind='natural', special_procedures=['site_survey',
                'public_notice'],
            result_kind='approval', result_name="最低生活保障金领取证",
            legal_basis="《社会救助暂行办法》第十一条"),
        ],
    'QX': [
        matter("防雷装置设计审核", 'licence', 'promised', 10, 20,
            ["防雷装置设计审核申请书", LICENCE,
                "防雷装置设计说明书和设计图纸",
                "设计单位和人员的资质证和资格证书*"],
            applicant_kind='legal', special_procedures=['technical_review'],
            result_kind='approval', result_name="防雷装置设计核准意见书",
            legal_basis="《气象灾害防御条例》第二十三条\n"
            "《防雷装置设计审核和竣工验收规定》"),
        matter("防雷装置竣工验收", 'licence', 'promised', 10, 20,
            ["防雷装置竣工验收申请书", "防雷装置设计核准意见书*",
                "防雷装置检测报告", "施工单位资质证书*",
                "竣工图纸等技术资料"],
            applicant_kind='legal', special_procedures=['site_survey'],
            result_kind='approval', result_name="防雷装置验收意见书",
            legal_basis="《气象灾害防御条例》第二十三条"),
        matter("升放无人驾驶自由气球或者系留气球活动审批", 'licence',
            'promised', 5, 20,
            ["升放气球活动审批申请表", "升放气球单位资质证*",
                "作业人员资格证*", "升放地点周边环境说明"],
            applicant_kind='legal', result_kind='approval',
            result_name="升放气球活动许可决定书",
            legal_basis="《通用航空飞行管制条例》第三十四条\n"
            "《升放气球管理办法》"),
        ],
    'WGX': [
        matter("互联网上网服务营业场所经营单位设立审批", 'licence', 'joint',
            20, 45,
            ["互联网上网服务营业场所经营单位设立申请表", LICENCE, LEGAL_ID,
                "营业场所产权证明或租赁合同*", "营业场所平面图",
                "消防安全检查合格证明|营业面积超过规定的"],
            applicant_kind='legal', co_departments=['GA', 'XF'],
            special_procedures=['site_survey'], result_kind='licence',
            result_name="网络文化经营许可证",
            legal_basis="《互联网上网服务营业场所管理条例》第十条、第十一条",
            conditions="一、有与其经营活动相适应的营业场所；\n"
            "二、有符合规定的消防安全条件；\n"
            "三、有固定的网络地址和与其经营活动相适应的计算机等装置。"),
        matter("娱乐场所经营许可", 'licence', 'promised', 15, 20,
            ["娱乐场所经营许可申请表", LICENCE, LEGAL_ID,
                "投资人、法定代表人、主要负责人无犯罪记录承诺书",
                "营业场所平面图及周边环境说明"],
            applicant_kind='legal', special_procedures=['site_survey'],
            result_kind='licence', result_name="娱乐经营许可证",
            legal_basis="《娱乐场所管理条例》第九条"),
        matter("出版物零售单位设立审批", 'licence', 'promised', 10, 20,
            ["出版物零售单位设立申请书", LICENCE, "经营场所使用权证明*",
                "法定代表人或主要负责人身份证明*"],
            applicant_kind='both', result_kind='licence',
            result_name="出版物经营许可证",
            legal_basis="《出版管理条例》第三十七条\n"
            "《出版物市场管理规定》"),
        ],
    'DA': [
        matter("档案查阅利用", 'public_service', 'same_day', 0, None,
            [ID, "查阅档案申请表", "单位介绍信|以单位名义查阅的"],
            applicant_kind='both', result_kind='other',
            result_name="档案复制件或档案证明", delivery_methods=[
                'window', 'electronic'],
            legal_basis="《中华人民共和国档案法》第十九条"),
        matter("婚姻登记档案查询证明出具", 'public_service', 'same_day', 0,
            None,
            [ID, "婚姻登记档案查询申请表", AGENT],
            applicant_kind='natural', result_kind='certificate',
            result_name="婚姻登记档案证明",
            legal_basis="《婚姻登记档案管理办法》第十五条"),
        matter("重点建设项目档案专项验收", 'other', 'promised', 10, None,
            ["档案专项验收申请书", "项目档案工作自检报告",
                "项目档案案卷目录"],
            applicant_kind='legal', special_procedures=['site_survey'],
            result_kind='approval', result_name="项目档案验收意见",
            legal_basis="《重大建设项目档案验收办法》"),
        ],
    'TY': [
        matter("经营高危险性体育项目许可", 'licence', 'promised', 15, 20,
            ["经营高危险性体育项目申请书", LICENCE,
                "体育设施符合国家标准的说明性材料",
                "社会体育指导人员、救助人员职业资格证明*",
                "安全保障制度和措施",
                "场地平面图|新建或改建场地的"],
            applicant_kind='legal', special_procedures=['site_survey',
                'expert_review'],
            result_kind='licence', result_name="高危险性体育项目经营许可证",
            result_validity="5年",
            legal_basis="《全民健身条例》第三十二条\n"
            "《经营高危险性体育项目许可管理办法》第六条",
            conditions="一、相关体育设施符合国家标准；\n"
            "二、具有达到规定数量的取得国家职业资格证书的社会体育指导人员"
            "和救助人员；\n"
            "三、具有相应的安全保障制度和措施。",
            form_fields=[('sport', "体育项目", 'selection', True,
                    "swimming:游泳\nclimbing:攀岩\ndiving:潜水\n"
                    "skiing:滑雪")]),
        matter("举办健身气功活动及设立站点审批", 'licence', 'promised', 10,
            20,
            ["健身气功活动（站点）申请表", "组织者身份证明*",
                "活动场地使用权证明", "社会体育指导员证书*"],
            applicant_kind='both', result_kind='approval',
            result_name="健身气功活动（站点）批准文件",
            legal_basis="《健身气功管理办法》第十三条"),
        matter("社会体育指导员技术等级称号授予（三级）", 'confirmation',
            'promised', 10, None,
            ["社会体育指导员技术等级申请表", ID, "培训考核合格证明*",
                "近期1寸免冠照片2张"],
            applicant_kind='natural', result_kind='certificate',
            result_name="社会体育指导员证书",
            legal_basis="《社会体育指导员管理办法》"),
        ],
    'LY': [
        matter("旅行社设立许可", 'licence', 'escalated', 10, 20,
            ["旅行社设立申请书", LICENCE, LEGAL_ID, "经营场所证明*",
                "营业设施、设备说明", "质量保证金缴存证明*~"],
            applicant_kind='legal', higher_authority="韶关市旅游局",
            result_kind='licence', result_name="旅行社业务经营许可证",
            legal_basis="《旅行社条例》第六条、第七条",
            conditions="有固定的经营场所、必要的营业设施和不少于30万元的"
            "注册资本。"),
        matter("旅行社分社设立备案", 'other', 'same_day', 0, None,
            ["旅行社分社备案登记表", "分社营业执照*",
                "旅行社业务经营许可证副本*", "分社经营场所证明"],
            applicant_kind='legal', result_kind='filing',
            result_name="旅行社分社备案登记证明",
            legal_basis="《旅行社条例》第十条"),
        matter("乡村旅游经营单位等级评定", 'confirmation', 'promised', 15,
            None,
            ["乡村旅游等级评定申请表", LICENCE, "经营情况自评报告",
                "经营场所照片"],
            applicant_kind='both', special_procedures=['site_survey'],
            result_kind='certificate', result_name="乡村旅游等级证书",
            legal_basis="《广东省乡村旅游等级评定管理办法》"),
        ],
    'JY': [
        matter("民办学校设立审批（实施学前教育）", 'licence', 'joint', 30,
            45,
            ["举办民办幼儿园申请书", "举办者资格证明*", "资产来源和资金数额证明",
                "园舍产权证明或租赁合同*", "园长、教师资格证明*",
                "幼儿园章程", "消防验收意见书|园舍新建、改建的"],
            applicant_kind='legal', co_departments=['WJ', 'XF'],
            special_procedures=['site_survey', 'expert_review'],
            result_kind='licence', result_name="民办学校办学许可证",
            legal_basis="《中华人民共和国民办教育促进法》第十二条\n"
            "《幼儿园管理条例》第十一条"),
        matter("教师资格认定（幼儿园、小学、初级中学）", 'licence',
            'promised', 20, 20,
            ["教师资格认定申请表", ID, "学历证书*", "普通话水平测试等级证书*",
                "教师资格考试合格证明*", "体检合格证明"],
            applicant_kind='natural', result_kind='certificate',
            result_name="教师资格证书",
            legal_basis="《中华人民共和国教师法》第十三条\n"
            "《教师资格条例》第十三条",
            form_fields=[('school_level', "任教学段", 'selection', True,
                    "kindergarten:幼儿园\nprimary:小学\njunior:初级中学"),
                ('subject', "任教学科", 'char', True, None)]),
        matter("义务教育阶段学生转学", 'public_service', 'same_day', 0,
            None,
            ["转学申请表", "学生户口簿*", "监护人居民身份证*",
                "转入学校接收证明"],
            applicant_kind='natural', result_kind='other',
            result_name="转学联系函",
            legal_basis="《中小学生学籍管理办法》第十四条"),
        ],
    'WJ': [
        matter("医师执业注册", 'licence', 'promised', 15, 20,
            ["医师执业注册申请审核表", ID, "医师资格证书*",
                "拟执业机构出具的聘用证明", "6个月内的健康体检证明",
                "近期1寸免冠照片2张"],
            applicant_kind='natural', result_kind='certificate',
            result_name="医师执业证书",
            legal_basis="《中华人民共和国执业医师法》第十三条、第十四条\n"
            "《医师执业注册管理办法》",
            conditions="取得医师资格，受聘于医疗、预防、保健机构。",
            form_fields=[('practice_category', "执业类别", 'selection', True,
                    "clinical:临床\nchinese:中医\ndental:口腔\n"
                    "public_health:公共卫生"),
                ('practice_scope', "执业范围", 'char', True, None)]),
        matter("公共场所卫生许可", 'licence', 'promised', 10, 20,
            ["公共场所卫生许可申请书", LICENCE, LEGAL_ID,
                "公共场所地址方位示意图、平面图和卫生设施平面布局图",
                "公共场所卫生检测或者评价报告",
                "从业人员健康合格证明~"],
            applicant_kind='legal', special_procedures=['site_survey'],
            result_kind='licence', result_name="公共场所卫生许可证",
            result_validity="4年",
            legal_basis="《公共场所卫生管理条例》第八条\n"
            "《公共场所卫生管理条例实施细则》第二十二条"),
        matter("生育登记服务", 'public_service', 'same_day', 0, None,
            ["生育服务登记表", "夫妻双方居民身份证*", "夫妻双方户口簿*",
                "结婚证*"],
            applicant_kind='natural', result_kind='filing',
            result_name="生育登记服务单",
            legal_basis="《广东省人口与计划生育条例》第十七条"),
        ],
    'RS': [
        matter("失业登记", 'public_service', 'same_day', 0, None,
            [ID, HOUSEHOLD, "与用人单位解除或终止劳动关系的证明",
                "失业登记表"],
            applicant_kind='natural', result_kind='certificate',
            result_name="就业失业登记证",
            legal_basis="《中华人民共和国就业促进法》第五十三条\n"
            "《就业服务与就业管理规定》第六十三条",
            conditions="在法定劳动年龄内，有劳动能力，有就业要求，"
            "处于无业状态的城乡劳动者。"),
        matter("就业登记", 'public_service', 'same_day', 0, None,
            [LICENCE, "劳动合同", "就业登记花名册", "劳动者居民身份证复印件"],
            applicant_kind='legal', result_kind='filing',
            result_name="就业登记备案",
            legal_basis="《就业服务与就业管理规定》第六十二条"),
        matter("劳务派遣经营许可", 'licence', 'escalated', 10, 20,
            ["劳务派遣经营许可申请书", LICENCE, LEGAL_ID,
                "经营场所使用证明*", "劳务派遣管理制度",
                "注册资本不少于200万元的验资证明*"],
            applicant_kind='legal', higher_authority=SHAOGUAN_HR,
            result_kind='licence', result_name="劳务派遣经营许可证",
            result_validity="3年",
            legal_basis="《中华人民共和国劳动合同法》第五十七条\n"
            "《劳务派遣行政许可实施办法》",
            conditions="注册资本不少于人民币二百万元，有与开展业务相适应的"
            "固定经营场所和设施，有符合法律规定的劳务派遣管理制度。"),
        matter("社会保险登记", 'public_service', 'same_day', 0, None,
            ["社会保险登记表", LICENCE, LEGAL_ID],
            applicant_kind='legal', result_kind='certificate',
            result_name="社会保险登记证",
            legal_basis="《中华人民共和国社会保险法》第五十七条"),
        ],
    'JT': [
        matter("道路旅客运输经营许可（县内班车客运）", 'licence', 'promised',
            15, 20,
            ["道路旅客运输经营申请表", LICENCE, LEGAL_ID,
                "拟投入车辆承诺书", "已聘用或拟聘用驾驶人员的驾驶证*",
                "安全生产管理制度文本~"],
            applicant_kind='legal', special_procedures=['site_survey'],
            result_kind='licence', result_name="道路运输经营许可证",
            result_validity="4年",
            legal_basis="《中华人民共和国道路运输条例》第八条、第十条\n"
            "《道路旅客运输及客运站管理规定》",
            conditions="一、有与其经营业务相适应并经检测合格的车辆；\n"
            "二、有符合规定条件的驾驶人员；\n"
            "三、有健全的安全生产管理制度。",
            form_fields=[('vehicle_count', "拟投入车辆数", 'integer', True,
                    None),
                ('route', "拟经营线路", 'char', True, None)]),
        matter("道路货物运输经营许可", 'licence', 'promised', 10, 20,
            ["道路货物运输经营申请表", LICENCE, LEGAL_ID,
                "拟投入车辆承诺书", "驾驶人员从业资格证*",
                "安全生产管理制度文本"],
            applicant_kind='both', result_kind='licence',
            result_name="道路运输经营许可证",
            legal_basis="《中华人民共和国道路运输条例》第二十一条、第二十四条"),
        matter("机动车驾驶员培训经营许可", 'licence', 'promised', 15, 20,
            ["机动车驾驶员培训经营申请表", LICENCE, LEGAL_ID,
                "教练场地使用权证明*", "教学车辆技术条件说明",
                "教练员资格证明*"],
            applicant_kind='legal', special_procedures=['site_survey'],
            result_kind='licence', result_name="道路运输经营许可证",
            legal_basis="《中华人民共和国道路运输条例》第三十九条\n"
            "《机动车驾驶员培训管理规定》"),
        ],
    'CL': [
        matter("残疾人证核发", 'confirmation', 'promised', 15, None,
            ["残疾人证申请表", ID, HOUSEHOLD, "近期2寸免冠彩色照片3张",
                "残疾评定表"],
            applicant_kind='natural', special_procedures=['expert_review'],
            result_kind='certificate', result_name="中华人民共和国残疾人证",
            legal_basis="《中华人民共和国残疾人保障法》\n"
            "《中国残疾人联合会关于第二代残疾人证的管理规定》"),
        matter("残疾人辅助器具适配补贴申请", 'payment', 'promised', 10,
            None,
            ["辅助器具适配申请表", ID, "残疾人证*"],
            applicant_kind='natural', result_kind='approval',
            result_name="辅助器具适配补贴审批表",
            legal_basis="《残疾预防和残疾人康复条例》"),
        matter("残疾人就业登记", 'public_service', 'same_day', 0, None,
            ["残疾人就业登记表", ID, "残疾人证*"],
            applicant_kind='natural', result_kind='filing',
            result_name="残疾人就业登记",
            legal_basis="《残疾人就业条例》"),
        ],
    'RF': [
        matter("结合民用建筑修建防空地下室审批", 'licence', 'joint', 15, 45,
            ["结合民用建筑修建防空地下室申请表", "建设工程规划许可证*",
                "防空地下室施工图设计文件", "施工图审查合格书*"],
            applicant_kind='legal', co_departments=['ZJ'],
            special_procedures=['technical_review'], result_kind='approval',
            result_name="防空地下室建设意见书",
            legal_basis="《中华人民共和国人民防空法》第二十二条\n"
            "《广东省实施〈中华人民共和国人民防空法〉办法》"),
        matter("易地建设防空地下室审批", 'licence', 'promised', 10, 20,
            ["易地建设防空地下室申请表", "建设工程规划许可证*",
                "不宜修建防空地下室的情况说明"],
            applicant_kind='legal', result_kind='approval',
            result_name="易地建设防空地下室批准书",
            fee_basis="《广东省物价局 广东省财政厅 广东省人民防空办公室关于"
            "人民防空工程易地建设费收费标准的通知》（按应建防空地下室面积"
            "计收）",
            legal_basis="《中华人民共和国人民防空法》第二十二条"),
        matter("人民防空工程竣工验收备案", 'other', 'promised', 5, None,
            ["人防工程竣工验收备案表", "竣工验收报告",
                "施工图审查合格书*", "工程质量检测报告"],
            applicant_kind='legal', special_procedures=['site_survey'],
            result_kind='filing', result_name="人防工程竣工验收备案证明",
            legal_basis="《人民防空工程质量监督管理规定》"),
        ],
    'JR': [
        matter("小额贷款公司设立初审", 'licence', 'escalated', 15, 20,
            ["小额贷款公司设立申请书", "可行性研究报告", "公司章程草案",
                "主要发起人营业执照*", "主要发起人财务审计报告",
                "拟任董事、监事、高级管理人员资料*"],
            applicant_kind='legal',
            higher_authority="广东省人民政府金融工作办公室",
            special_procedures=['expert_review'], result_kind='approval',
            result_name="小额贷款公司设立批复",
            legal_basis="《关于小额贷款公司试点的指导意见》\n"
            "《广东省小额贷款公司管理办法（试行）》"),
        matter("融资性担保公司设立初审", 'licence', 'escalated', 15, 20,
            ["融资担保公司设立申请书", "可行性研究报告", "公司章程草案",
                "股东营业执照*", "验资证明*"],
            applicant_kind='legal',
            higher_authority="广东省人民政府金融工作办公室",
            result_kind='licence', result_name="融资担保业务经营许可证",
            legal_basis="《融资担保公司监督管理条例》第六条"),
        matter("地方金融组织重大事项变更备案", 'other', 'promised', 5, None,
            ["重大事项变更备案报告", "股东会或董事会决议",
                "变更事项相关证明材料"],
            applicant_kind='legal', result_kind='filing',
            result_name="备案回执",
            legal_basis="《广东省地方金融组织监督管理办法》"),
        ],
    'GA': [
        matter("户口迁移审批（市外迁入）", 'licence', 'promised', 10, 20,
            ["户口迁移申请表", ID, HOUSEHOLD, "迁入地合法稳定住所证明*",
                "亲属关系证明|投靠亲属迁入的"],
            applicant_kind='natural', result_kind='approval',
            result_name="准予迁入证明",
            legal_basis="《中华人民共和国户口登记条例》第十条"),
        matter("居民身份证申领", 'public_service', 'promised', 30, 60,
            [HOUSEHOLD, "居民身份证申领登记表", "原居民身份证|换领或补领的"],
            applicant_kind='natural', result_kind='certificate',
            result_name="中华人民共和国居民身份证", result_validity="按年龄",
            delivery_methods=['window', 'courier'],
            fee_amount=Decimal('20'),
            fee_basis="《国家发展改革委 财政部关于居民身份证收费标准及有关"
            "问题的通知》（发改价格〔2003〕2322号）",
            legal_basis="《中华人民共和国居民身份证法》第八条、第九条"),
        matter("普通护照签发", 'licence', 'escalated', 7, 15,
            ["中国公民出入境证件申请表", ID, "近期免冠彩色照片（现场采集）"],
            applicant_kind='natural',
            higher_authority="韶关市公安局出入境管理支队",
            result_kind='certificate', result_name="中华人民共和国普通护照",
            result_validity="10年", delivery_methods=['window', 'courier'],
            fee_amount=Decimal('160'),
            fee_basis="《国家发展改革委 财政部关于降低部分行政事业性收费标准"
            "的通知》（发改价格〔2017〕1186号）",
            legal_basis="《中华人民共和国护照法》第五条、第六条"),
        ],
    'GD': [
        matter("低压居民用电报装", 'public_service', 'promised', 5, None,
            [ID, "房屋产权证明或租赁合同*", "用电申请表"],
            applicant_kind='natural', special_procedures=['site_survey'],
            result_kind='other', result_name="供用电合同及装表接电",
            legal_basis="《供电营业规则》第十六条"),
        matter("高压用电报装", 'public_service', 'promised', 15, None,
            ["用电申请表", LICENCE, "用电地址物业权属证明*",
                "用电工程项目批准文件", "用电设备清单"],
            applicant_kind='legal', special_procedures=['site_survey',
                'technical_review'],
            result_kind='other', result_name="供电方案答复及供用电合同",
            legal_basis="《电力供应与使用条例》第十八条\n《供电营业规则》"),
        matter("用电更名过户", 'public_service', 'same_day', 0, None,
            ["更名过户申请表", "新户主身份证明*", "房屋产权变更证明*",
                "电费结清证明"],
            applicant_kind='both', result_kind='other',
            result_name="变更后的供用电合同",
            legal_basis="《供电营业规则》第二十九条"),
        ],
    'GS': [
        matter("企业设立登记", 'licence', 'promised', 3, 15,
            ["公司登记（备案）申请书", "公司章程", "股东主体资格证明*",
                "法定代表人、董事、监事和经理的任职文件及身份证明*",
                "住所使用证明"],
            applicant_kind='legal', result_kind='licence',
            result_name="营业执照", delivery_methods=['window', 'courier',
                'electronic'],
            legal_basis="《中华人民共和国公司法》第六条\n"
            "《中华人民共和国公司登记管理条例》第二十条、第五十三条",
            form_fields=[('registered_capital', "注册资本（万元）",
                    'numeric', True, None, 'amount'),
                ('business_scope', "经营范围", 'char', True, None)]),
        matter("个体工商户注册登记", 'licence', 'same_day', 0, 15,
            ["个体工商户开业登记申请书", "经营者居民身份证*",
                "经营场所使用证明"],
            applicant_kind='natural', result_kind='licence',
            result_name="营业执照",
            legal_basis="《个体工商户条例》第八条、第九条"),
        matter("企业名称预先核准", 'licence', 'same_day', 0, 15,
            ["企业名称预先核准申请书", "全体投资人身份证明*",
                AGENT],
            applicant_kind='both', result_kind='approval',
            result_name="企业名称预先核准通知书", result_validity="6个月",
            legal_basis="《企业名称登记管理规定》\n"
            "《企业名称登记管理实施办法》"),
        ],
    'GSJ': [
        matter("增值税一般纳税人登记", 'confirmation', 'same_day', 0, None,
            ["增值税一般纳税人登记表", LICENCE, "经办人身份证明*"],
            applicant_kind='legal', result_kind='filing',
            result_name="税务事项通知书",
            legal_basis="《增值税一般纳税人登记管理办法》第三条"),
        matter("增值税专用发票（增值税税控系统）最高开票限额审批", 'licence',
            'promised', 10, 20,
            ["税务行政许可申请表", "增值税专用发票最高开票限额申请单",
                "经办人身份证明*"],
            applicant_kind='legal', special_procedures=['site_survey'],
            result_kind='approval', result_name="准予税务行政许可决定书",
            legal_basis="《国务院对确需保留的行政审批项目设定行政许可的"
            "决定》第236项"),
        matter("发票领用", 'public_service', 'same_day', 0, None,
            ["发票领用簿*", "经办人身份证明*", "税控设备|使用税控系统的"],
            applicant_kind='both', result_kind='other', result_name="发票",
            legal_basis="《中华人民共和国发票管理办法》第十五条"),
        ],
    'DS': [
        matter("纳税申报（地方税费）", 'public_service', 'same_day', 0, None,
            ["纳税申报表", "财务会计报表|查账征收的", "经办人身份证明*"],
            applicant_kind='both', result_kind='other',
            result_name="申报回执",
            legal_basis="《中华人民共和国税收征收管理法》第二十五条"),
        matter("房产税、城镇土地使用税困难减免审批", 'licence', 'promised',
            15, 20,
            ["纳税人减免税申请核准表", "减免税申请报告", "房屋、土地权属证明*",
                "困难情况证明材料"],
            applicant_kind='both', special_procedures=['site_survey'],
            result_kind='approval', result_name="税务事项通知书",
            legal_basis="《中华人民共和国房产税暂行条例》第六条\n"
            "《中华人民共和国城镇土地使用税暂行条例》第七条"),
        matter("完税证明开具", 'public_service', 'same_day', 0, None,
            ["完税证明申请", "纳税人身份证明*"],
            applicant_kind='both', result_kind='certificate',
            result_name="税收完税证明", delivery_methods=['window',
                'electronic'],
            legal_basis="《税收票证管理办法》第二十五条"),
        ],
    'GT': [
        matter("不动产登记（首次登记）", 'confirmation', 'promised', 10, 30,
            ["不动产登记申请书", "申请人身份证明*", "不动产权属来源证明*",
                "不动产界址、空间界限、面积等材料", "完税凭证"],
            applicant_kind='both', special_procedures=['site_survey',
                'public_notice'],
            result_kind='certificate', result_name="不动产权证书",
            legal_basis="《不动产登记暂行条例》第十四条、第二十条"),
        matter("乡（镇）村公共设施、公益事业建设用地审批", 'licence',
            'escalated', 15, 20,
            ["建设用地申请表", "乡（镇）人民政府审核意见",
                "建设项目批准文件*", "用地红线图"],
            applicant_kind='legal', higher_authority="翁源县人民政府",
            special_procedures=['site_survey'], result_kind='approval',
            result_name="建设用地批准书",
            legal_basis="《中华人民共和国土地管理法》第六十一条"),
        matter("采矿权新立登记（县级发证矿种）", 'licence', 'joint', 30, 40,
            ["采矿权申请登记书", LICENCE, "矿产资源开发利用方案",
                "矿山地质环境保护与土地复垦方案", "环境影响评价批复文件*"],
            applicant_kind='legal', co_departments=['HB', 'LINY'],
            special_procedures=['site_survey', 'expert_review'],
            result_kind='licence', result_name="采矿许可证",
            legal_basis="《中华人民共和国矿产资源法》第十五条\n"
            "《矿产资源开采登记管理办法》第六条"),
        ],
    'SF': [
        matter("公证事项办理", 'public_service', 'promised', 15, 15,
            ["公证申请表", ID, "与申请公证事项有关的证明材料",
                AGENT],
            applicant_kind='both', result_kind='certificate',
            result_name="公证书",
            fee_basis="《广东省公证服务收费标准》（按公证事项计收）",
            legal_basis="《中华人民共和国公证法》第二十五条、第三十条"),
        matter("法律援助申请审查", 'payment', 'promised', 7, 7,
            ["法律援助申请表", ID, "经济困难状况证明",
                "与所申请法律援助事项有关的案件材料"],
            applicant_kind='natural', result_kind='approval',
            result_name="给予法律援助决定书",
            legal_basis="《法律援助条例》第十七条、第十八条"),
        matter("基层法律服务工作者执业核准", 'licence', 'escalated', 10, 20,
            ["基层法律服务工作者执业申请表", ID, "学历证明*",
                "拟执业的基层法律服务所出具的同意接收证明"],
            applicant_kind='natural', higher_authority="韶关市司法局",
            result_kind='certificate', result_name="基层法律服务工作者执业证",
            legal_basis="《基层法律服务工作者管理办法》第十三条"),
        ],
    'HB': [
        matter("建设项目环境影响报告表审批", 'licence', 'promised', 15, 20,
            ["建设项目环境影响评价文件审批申请表", "环境影响报告表",
                "公众参与说明|涉及公众环境权益的"],
            applicant_kind='legal', special_procedures=['expert_review',
                'public_notice'],
            result_kind='approval', result_name="环境影响报告表批复",
            legal_basis="《中华人民共和国环境影响评价法》第二十二条\n"
            "《建设项目环境保护管理条例》"),
        matter("建设项目环境影响登记表备案", 'other', 'same_day', 0, None,
            ["建设项目环境影响登记表"],
            applicant_kind='both', result_kind='filing',
            result_name="备案回执", delivery_methods=['electronic'],
            legal_basis="《建设项目环境影响登记表备案管理办法》"),
        matter("排污许可证核发", 'licence', 'promised', 15, 20,
            ["排污许可证申请表", LICENCE, "环境影响评价批复文件*",
                "污染物排放监测报告", "污染防治设施说明"],
            applicant_kind='legal', special_procedures=['site_survey'],
            result_kind='licence', result_name="排污许可证",
            result_validity="3年",
            legal_basis="《中华人民共和国水污染防治法》第二十一条\n"
            "《广东省排污许可证管理办法》"),
        ],
    }

# Adjustments since the opening: (code of the matter by department and
# position, kind, document number, issued by, effective date, description)
ADJUSTMENTS = [
    (('RS', 1), 'adjust', "翁府办〔2018〕3号", "翁源县人民政府办公室",
        dt.date(2018, 3, 1),
        "精简申请材料：失业登记不再要求提供户口簿。"),
    (('CZ', 4), 'cancel', "粤府令第248号", "广东省人民政府",
        dt.date(2018, 7, 1),
        "政府采购供应商投诉处理调整为市级财政部门实施，县级不再受理。"),
    ]

# name, label, type, required, selection, content, prefilled from
NATURAL_FIELDS = [
    ('applicant_name', "申请人姓名", 'char', True, None, None,
        'applicant_name'),
    ('id_number', "公民身份号码", 'char', True, None, 'resident_id',
        'applicant_code'),
    ('phone', "联系电话", 'char', True, None, 'phone', 'applicant_phone'),
    ('address', "联系地址", 'char', False, None, 'address',
        'applicant_address'),
    ]
LEGAL_FIELDS = [
    ('company_name', "单位名称", 'char', True, None, None, 'applicant_name'),
    ('credit_code', "统一社会信用代码", 'char', True, None, 'credit_code',
        'applicant_code'),
    ('legal_representative', "法定代表人", 'char', True, None, None, None),
    ('phone', "联系电话", 'char', True, None, 'phone', 'applicant_phone'),
    ]
BOTH_FIELDS = [
    ('applicant_name', "申请人（单位）名称", 'char', True, None, None,
        'applicant_name'),
    ('id_number', "证件号码", 'char', True, None, 'party_code',
        'applicant_code'),
    ('phone', "联系电话", 'char', True, None, 'phone', 'applicant_phone'),
    ]

KNOWLEDGE = [
    # question, answer, keywords, department, matters, owner, days ago
    ("失业登记需要带什么材料？",
        "本人居民身份证原件，以及与用人单位解除或终止劳动关系的证明。"
        "自2018年3月起不再需要户口簿。",
        "失业 下岗 登记 材料", 'RS', [('RS', 1)], 'liaison', 10),
    ("办理失业登记后可以领取失业保险金吗？",
        "失业前用人单位和本人已缴纳失业保险费满一年、非因本人意愿中断就业"
        "并已办理失业登记的，可以申领失业保险金。",
        "失业保险金 领取", 'RS', [('RS', 1)], 'liaison', 120),
    ("企业招用员工后多久内要办理就业登记？",
        "用人单位应当自录用之日起30日内办理就业登记。",
        "招工 用工 就业登记 备案", 'RS', [('RS', 2)], 'liaison', 30),
    ("结婚登记需要双方都到场吗？",
        "需要。男女双方须共同亲自到婚姻登记机关办理，不能委托他人代办。",
        "结婚 婚姻 到场 代办", 'MZ', [('MZ', 3)], 'approver_mz', 45),
    ("成立社会团体需要多少会员？",
        "有50个以上的个人会员或者30个以上的单位会员；个人会员、单位会员"
        "混合组成的，会员总数不得少于50个。",
        "社团 协会 会员 成立", 'MZ', [('MZ', 1)], 'approver_mz', 100),
    ("在哪里办理道路运输经营许可？",
        "在公共服务中心二楼综合服务窗口（1-12号）提交申请，"
        "由县交通运输局审批，结果在综合服务窗口领取或快递寄送。",
        "道路运输 客运 货运 许可 地点", 'JT', [('JT', 1), ('JT', 2)],
        'guide', 20),
    ("办事材料不齐可以先受理吗？",
        "非关键材料可以容缺受理：申请人签署书面承诺，在约定期限内补交。"
        "受理清单中标注“可容缺”的材料才适用。",
        "容缺 补交 承诺 材料不齐", None, [], 'guide', 5),
    ]


class as_user:
    "Act as the demo user of login (when the demo hall has it)"

    def __init__(self, config, ctx, login):
        self.config = config
        self.user = ctx.get('users', {}).get(login)

    def __enter__(self):
        User = Model.get('res.user')
        self.previous = (self.config.user, self.config._context)
        if self.user:
            self.config.user = self.user.id
            self.config._context = User.get_preferences(True, {})
        return self

    def __exit__(self, *args):
        self.config.user, self.config._context = self.previous


class Clock:
    """Let the day of the demo's story be a day of the past: in a demo
    database ir.date.today reads it from the context (onewindow_today)"""

    def __init__(self, config):
        self.config = config

    def __call__(self, date):
        self.config._context = dict(
            self.config._context, onewindow_today=date)
        return self

    def __enter__(self):
        return self

    def __exit__(self, *args):
        context = dict(self.config._context)
        context.pop('onewindow_today', None)
        self.config._context = context


def code_of(department, position, matter_type):
    return '%s%02d%03d000' % (
        MATTER_TYPE_PREFIXES[matter_type], DEPARTMENT_NUMBERS[department],
        position)


def codes():
    "Return the codes by (department, position)"
    return {(d, i): code_of(d, i, v['matter_type'])
        for d, matters in CATALOGUE.items()
        for i, v in enumerate(matters, 1)}


def material_values(spec, sequence):
    """Return the values of a material written as
    "name", "name*" (original checked), "name~" (deferrable),
    "name?" (optional), "name|condition" (conditional), "name@A"
    (credibility)"""
    name, _, condition = spec.partition('|')
    credibility = None
    if '@' in name:
        name, credibility = name.split('@')
    flags = set()
    while name and name[-1] in '*~?':
        flags.add(name[-1])
        name = name[:-1]
    if not credibility:
        if '*' in flags:
            credibility = 'B'
        elif any(w in name for w in ["申请", "承诺", "声明", "登记表",
                    "备案表", "报告", "说明", "章程", "制度"]):
            credibility = 'D'
        else:
            credibility = 'C'
    if condition:
        requirement = 'conditional'
    elif '?' in flags:
        requirement = 'optional'
    else:
        requirement = 'required'
    return {
        'sequence': sequence,
        'name': name,
        'requirement': requirement,
        'condition': condition or None,
        'original_check': '*' in flags,
        'deferrable': '~' in flags,
        'credibility': credibility,
        'paper_copies': 1,
        'electronic_copies': 1 if credibility in {'C', 'D'} else 0,
        }


def steps_values(handling, promised, department):
    "Return the back-office steps that fit in the promised time limit"
    if handling == 'same_day' or not promised:
        return []
    if handling == 'escalated':
        steps = [("县级初审", 'review', promised - 1),
            ("报送上级机关", 'other', 1)]
    elif handling == 'joint':
        opinion = max(promised // 3, 1)
        steps = [("牵头部门审查", 'review', promised - opinion - 3),
            ("联办部门出具意见", 'opinion', opinion),
            ("联合审批决定", 'decision', 2), ("制发证照", 'production', 1)]
    elif promised >= 5:
        steps = [("%s审查" % department, 'review', promised - 3),
            ("作出决定", 'decision', 2), ("制发证照", 'production', 1)]
    elif promised >= 2:
        steps = [("%s审查" % department, 'review', promised - 1),
            ("作出决定", 'decision', 1)]
    else:
        steps = [("审查决定", 'decision', promised)]
    return [{'sequence': i, 'name': n, 'kind': k, 'limit': l}
        for i, (n, k, l) in enumerate(steps, 1)]


def field_values(kind, extra):
    fields = {'natural': NATURAL_FIELDS, 'legal': LEGAL_FIELDS,
        'both': BOTH_FIELDS}[kind] + list(extra)
    return [{
            'sequence': i,
            'name': name,
            'string': string,
            'type_': type_,
            'required': required,
            'selection': selection,
            'content': content,
            'prefill': prefill,
            } for i, (name, string, type_, required, selection, *more)
        in enumerate(fields, 1)
        for content, prefill in [(more + [None, None])[:2]]]


def place_of(department, acceptance, ctx):
    if acceptance == 'comprehensive':
        return "翁源县公共服务中心二楼综合服务窗口（1-12号）"
    for window in ctx['windows'].values():
        if window.kind == 'department' and department.id in [
                d.id for d in window.departments]:
            floor = "一楼" if window.zone.floor == 1 else "二楼"
            rooms = window.rooms_text
            return "翁源县公共服务中心%s%s（%s号）" % (
                floor, window.name, rooms.replace(', ', '、'))
    return "翁源县公共服务中心"


def procedure_of(values, department):
    handling = values['handling']
    decided = {
        'same_day': "窗口当场审核，符合条件的当场办结",
        'promised': "窗口受理后转%s审查，在承诺时限内作出决定" % department,
        'escalated': "窗口受理后由%s初审，报%s审批" % (
            department, values.get('higher_authority')),
        'joint': "窗口受理后由%s牵头，会同联办部门联合审查，作出决定"
        % department,
        }[handling]
    return ("申请人提交申请材料→窗口按受理清单核验材料并受理→%s→"
        "统一窗口出件。" % decided)


def load_matters(config, ctx, clock):
    Matter = Model.get('onewindow.matter')
    Department = Model.get('onewindow.department')
    departments = {d.code: d for d in Department.find([])}
    existing = {m.code for m in Matter.find([])}
    by_position = codes()
    new = []
    for code, items in CATALOGUE.items():
        department = departments.get(code)
        if not department:
            continue
        acceptance = 'dedicated' if code in DEDICATED else 'comprehensive'
        for position, values in enumerate(items, 1):
            matter_code = by_position[code, position]
            if matter_code in existing:
                continue
            values = dict(values)
            materials = values.pop('materials')
            extra_fields = values.pop('form_fields', [])
            co_departments = values.pop('co_departments', [])
            matter = Matter(code=matter_code, department=department,
                acceptance=acceptance, **values)
            if co_departments:
                matter.co_departments.extend(
                    [Department(departments[c].id) for c in co_departments
                        if c in departments])
            matter.short_name = values.get('short_name') or None
            if not values.get('delivery_methods'):
                matter.delivery_methods = ['window', 'courier']
            matter.place = place_of(department, acceptance, ctx)
            matter.procedure = procedure_of(values, department.short_name
                or department.name)
            matter.complaint_phone = "12345（翁源县政务服务热线）"
            matter.online_url = "https://www.gdzwfw.gov.cn"
            for i, spec in enumerate(materials, 1):
                matter.materials.new(**material_values(spec, i))
            for step in steps_values(values['handling'],
                    values['promised_limit'],
                    department.short_name or department.name):
                matter.steps.new(**step)
            for field in field_values(values['applicant_kind'],
                    extra_fields):
                matter.form_fields.new(**field)
            new.append(matter)
    if new:
        Matter.save(new)
        with clock(OPENING):
            # A record keeps the context it was read with: read them again
            # on the day of the opening
            Matter.click([Matter(m.id) for m in new], 'publish')
    ctx['matters'] = {m.code: m for m in Matter.find([
                ('state', 'in', ['published', 'suspended'])])}


def load_adjustments(config, ctx, clock):
    "The adjustments ordered since the opening, each under its document"
    Matter = Model.get('onewindow.matter')
    Adjustment = Model.get('onewindow.matter.adjustment')
    by_position = codes()
    for (department, position), kind, number, authority, date, description \
            in ADJUSTMENTS:
        code = by_position[department, position]
        if Adjustment.find([('document_number', '=', number),
                    ('matter.code', '=', code)]):
            continue
        matter = Matter.get_current(code, config.context)
        if not matter:
            continue
        matter = Matter(matter)
        with clock(date):
            adjust = Wizard('onewindow.matter.adjust', [matter])
            adjust.form.kind = kind
            adjust.form.document_number = number
            adjust.form.authority = authority
            adjust.form.document_date = date - dt.timedelta(days=20)
            adjust.form.date = date
            adjust.form.description = description
            adjust.execute('record_')
            if kind == 'adjust':
                new, = adjust.actions[0]
                if department == 'RS' and position == 1:
                    new.materials.remove([m for m in new.materials
                            if m.name == "户口簿"][0])
                new.save()
                new.click('publish')
    ctx['matters'] = {m.code: m for m in Matter.find([
                ('state', 'in', ['published', 'suspended'])])}


def load_delegations(config, ctx, clock):
    """Each department of the first batch delegates the acceptance of its
    matters to the center"""
    Delegation = Model.get('onewindow.delegation')
    Department = Model.get('onewindow.department')
    Matter = Model.get('onewindow.matter')
    for code, items in CATALOGUE.items():
        if code in DEDICATED:
            continue
        department, = Department.find([('code', '=', code)])
        abbreviation = (department.short_name or department.name)[1:-1]
        number = "翁%s〔2017〕%s号" % (abbreviation[:2],
            20 + DEPARTMENT_NUMBERS[code])
        if Delegation.find([('number', '=', number)]):
            continue
        matters = Matter.find([
                ('department', '=', department.id),
                ('acceptance', '=', 'comprehensive'),
                ('state', 'in', ['published', 'suspended']),
                ])
        if not matters:
            continue
        delegation = Delegation(department=department, number=number,
            signed_date=dt.date(2017, 10, 20), valid_from=OPENING,
            notes="%s关于委托翁源县行政服务中心受理行政许可和公共服务事项的函"
            % department.name)
        delegation.matters.extend([Matter(m.id) for m in matters])
        delegation.save()
        delegation.click('activate')


def load_authorizations(config, ctx, clock):
    """Every department authorizes its window team leader with the powers of
    the plan"""
    Authorization = Model.get('onewindow.authorization')
    Department = Model.get('onewindow.department')
    Employee = Model.get('company.employee')
    Party = Model.get('party.party')
    for department in Department.find([('code', 'in', list(CATALOGUE))]):
        leader = department.team_leader
        if not leader:
            name = "%s窗口组长" % (department.short_name or department.name)
            employees = Employee.find([('party.name', '=', name)])
            if employees:
                leader, = employees
            else:
                party = Party(name=name)
                party.save()
                leader = Employee(party=party, company=ctx['company'],
                    hall_role='team_leader')
                leader.departments.append(Department(department.id))
                leader.save()
            department.team_leader = leader
            department.save()
        if Authorization.find([('employee', '=', leader.id),
                    ('department', '=', department.id)]):
            continue
        Authorization(employee=leader, department=department,
            number="翁%s授〔2017〕1号" % (
                (department.short_name or department.name)[1:3]),
            valid_from=OPENING,
            notes="对即办件的直接审批权，对承诺件、上报件的初审处置权，"
            "对联办件的协调处置权，对踏勘、技术论证等环节的协调权，"
            "收费事项的执行权。").save()


def load_knowledge(config, ctx, clock):
    Knowledge = Model.get('onewindow.knowledge')
    Department = Model.get('onewindow.department')
    Matter = Model.get('onewindow.matter')
    Date = Model.get('ir.date')
    today = Date.today(config.context)
    employees = ctx.get('employees', {})
    by_position = codes()
    for question, answer, keywords, department, positions, owner, days \
            in KNOWLEDGE:
        if Knowledge.find([('question', '=', question)]):
            continue
        entry = Knowledge(question=question, answer=answer,
            keywords=keywords)
        if department:
            entry.department, = Department.find([('code', '=', department)])
        if owner in employees:
            entry.owner = employees[owner]
        entry.last_reviewed = today - dt.timedelta(days=days)
        for position in positions:
            entry.matters.extend(Matter.find([
                        ('code', '=', by_position[position])]))
        entry.save()


def load(config, ctx):
    # The center administrator keeps the catalogue
    with as_user(config, ctx, 'center_admin'), Clock(config) as clock:
        load_matters(config, ctx, clock)
        load_adjustments(config, ctx, clock)
    with Clock(config) as clock:
        load_delegations(config, ctx, clock)
        load_authorizations(config, ctx, clock)
        load_knowledge(config, ctx, clock)
