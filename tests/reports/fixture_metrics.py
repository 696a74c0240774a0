# The scores of report_fixture.h replayed in Python, scored with scikit-learn (an independent check of
# the fixture comment: AUC and logloss rank the three runs differently). Run: /usr/bin/python3 fixture_metrics.py
import numpy as np
from sklearn.metrics import roc_auc_score, log_loss
M=2**64
st=12345
def u():
    global st
    st=(st*6364136223846793005+1442695040888963407)%M
    return (st>>11)/9007199254740992.0
y=[1 if i%5<2 else 0 for i in range(40)]
V=[];A=[]
for i in range(40):
    v=min(max(0.5+(y[i]-0.5)*1.2+(u()-0.5)*1.4,0.0001),0.9999)
    a=min(max(0.45+(y[i]-0.5)*0.2+(u()-0.5)*0.3,0.01),0.99)
    if i in (12,): v=0.9999
    if i==7: v=a=0.97
    V.append(v);A.append(a)
F=[(v+a)/2 for v,a in zip(V,A)]
for n,s in [('v',V),('a',A),('f',F)]:
    print(n, roc_auc_score(y,s), log_loss(y,s))
