lint
--type
dkim-sig
v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel; t=1700000000; h=from:to:subject; bh=sNszhoSMPuyPkJZe6/yem+4zarc0ined1ljTPO1RyjU=; b=oJzun0+R2xFGeXt8DyG7uG5m3M0Q0X/J1yNNwtFsUDXegO1vSTpZDyr0wIKnypWW8EyFAww1Gz1O0LsVcr7GZV4EgW2yuQTnihlW8lkuE8BeEesM4JRjkemGHDkXtP2BJZGNW+kb2RRai0hk2eY296cClV+3wmzlZ9ONQ+1eodI=;;
